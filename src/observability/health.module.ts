import { Module, type DynamicModule, type ModuleMetadata, type Provider } from '@nestjs/common';
import { HealthController } from './health.controller';

export interface HealthModuleOptions {
  /** modules exporting what the HealthIndicators binding needs (the database, ...) */
  imports?: ModuleMetadata['imports'];
  /** the HealthIndicators binding */
  providers?: Provider[];
}

/** GET /health. HealthIndicators is resolved in this module's scope: pass it through forRoot(). */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      imports: options.imports ?? [],
      controllers: [HealthController],
      providers: options.providers ?? [],
    };
  }
}
