import {
  Inject,
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { type Logger } from 'pino';
import { loggerOptions, type LoggingOptions } from './logging.options';
import { requestLogMiddleware } from './request-log.middleware';

const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * JSON logs through pino: one line per request with its id (`X-Request-Id`, echoed in the response; `req.id` for
 * exception filters), credentials redacted (request-log.middleware.ts). Nest's own messages go to the same logger
 * through nestjs-pino's Logger: main.ts creates the app with `bufferLogs: true` and calls
 * `app.useLogger(app.get(Logger))`. nestjs-pino's pino-http middleware is not used: it made a child logger for
 * every request (a serialization and a redaction of its bindings) and was the largest allocation of a request.
 */
@Module({})
export class LoggingModule implements NestModule {
  constructor(@Inject(ROOT_LOGGER) private readonly root: Logger) {}

  static forRoot(options: LoggingOptions = {}): DynamicModule {
    const root = options.destination
      ? pino(loggerOptions(options), options.destination)
      : pino(loggerOptions(options));
    return {
      module: LoggingModule,
      imports: [
        // `useExisting` with no routes: nestjs-pino adds no middleware (ours gives PinoLogger its logger).
        LoggerModule.forRoot({ pinoHttp: { logger: root }, useExisting: true, forRoutes: [] }),
      ],
      providers: [{ provide: ROOT_LOGGER, useValue: root }],
      exports: [LoggerModule],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Express 5 path syntax; '*' makes Nest 11 log a deprecation warning.
    consumer
      .apply(requestLogMiddleware(this.root))
      .forRoutes({ path: '{*splat}', method: RequestMethod.ALL });
  }
}
