import { randomUUID } from 'node:crypto';

/** Server-assigned ids for new objects; an injectable so tests can pin them. */
export abstract class IdGenerator {
  abstract next(): string;
}

export class RandomUuidGenerator extends IdGenerator {
  next(): string {
    return randomUUID();
  }
}
