import { Controller, Get, Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

/** Holds the OpenAPI document, which can only be generated once the application exists (see app.factory.ts). */
@Injectable()
export class ApiDocs {
  document: OpenAPIObject | undefined;
}

/** The OpenAPI description of the running service, behind the same authentication as the API it describes. */
@Controller('openidm/api-docs')
export class ApiDocsController {
  constructor(private readonly docs: ApiDocs) {}

  @Get()
  get(): OpenAPIObject | Record<string, never> {
    return this.docs.document ?? {};
  }
}
