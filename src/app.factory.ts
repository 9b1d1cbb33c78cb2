import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppContext } from './app.module';
import type { LoadedProject } from './config/loaded-project';
import { compileManagedConfig } from './core/managed/managed-schema';
import { ApiDocs } from './http/api-docs.controller';
import { answerClientErrorsInCrest } from './http/client-error.handler';
import { ExpressPrototypesAdapter } from './http/express-prototypes.adapter';
import { ManagedObjectStore } from './managed/managed-object.store';
import { searchableProperties, uniqueProperties } from './core/managed/managed-schema';
import type { RepoSettings } from './persistence/repo-settings';
import { TypeOrmSqlDatabase } from './persistence/typeorm-sql-database';
import { chooseEncryptionKey, type EncryptionKeyChoice } from './security/encryption-key.file';
import { FieldCrypto } from './security/field-crypto';

export interface ConcordApp {
  readonly app: INestApplication;
  readonly context: AppContext;
  readonly keyChoice: EncryptionKeyChoice;
  /** Stops HTTP, then closes the database. */
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** Replaces the repository settings of the project (tests use a fresh PostgreSQL schema per file). */
  readonly repo?: RepoSettings;
  readonly logDestination?: NodeJS.WritableStream;
}

/** Builds the Nest application for a loaded project: opens (and migrates) the repository, wires every module. */
export async function createConcordApp(
  project: LoadedProject,
  options: CreateAppOptions = {},
): Promise<ConcordApp> {
  const managedTypes = compileManagedConfig(project.managed, `${project.configDir}/managed.json`);
  const keyChoice = chooseEncryptionKey(project.boot.encryptionKey, project.projectDir);
  const crypto = new FieldCrypto([{ alias: 'openidm-sym-default', key: keyChoice.key }]);
  const db = await TypeOrmSqlDatabase.open(options.repo ?? project.repo);
  try {
    const context: AppContext = { project, managedTypes, db, crypto, logDestination: options.logDestination };
    const app = await NestFactory.create(AppModule.forContext(context), new ExpressPrototypesAdapter(), {
      bodyParser: false,
      bufferLogs: true,
    });
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks();
    answerClientErrorsInCrest(app.getHttpServer() as Server);
    await app.get(ManagedObjectStore).ensureIndexes(
      managedTypes.map((type) => ({
        objectType: type.name,
        searchable: searchableProperties(type),
        unique: uniqueProperties(type),
      })),
    );
    app.get(ApiDocs).document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Concord')
        .setDescription('OpenIDM-compatible identity reconciliation API (CREST)')
        .addApiKey({ type: 'apiKey', in: 'header', name: 'X-OpenIDM-Password' }, 'openidm-headers')
        .build(),
    );
    return {
      app,
      context,
      keyChoice,
      close: async () => {
        await app.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
