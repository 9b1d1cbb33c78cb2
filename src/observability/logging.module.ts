import { Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { pinoHttpOptions, type LoggingOptions } from './logging.options';

/**
 * JSON logs through nestjs-pino: one line per request with its id (`X-Request-Id`, echoed in the
 * response; `req.id` for exception filters), credentials redacted. main.ts should create the app
 * with `bufferLogs: true` and call `app.useLogger(app.get(Logger))` (Logger from nestjs-pino) so
 * Nest's own messages are JSON too.
 */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions = {}): DynamicModule {
    const pinoHttp = pinoHttpOptions(options);
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: options.destination ? [pinoHttp, options.destination] : pinoHttp,
          // Express 5 path syntax; nestjs-pino's default '*' makes Nest 11 log a deprecation warning.
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
