export { LoggingModule } from './logging.module';
export { loggerOptions, REDACTED_PATHS, type LoggingOptions } from './logging.options';
export { MetricsModule } from './metrics.module';
export { MetricsRegistry } from './metrics.registry';
export { HealthModule, type HealthModuleOptions } from './health.module';
export { HealthIndicators, HEALTH_CHECK_TIMEOUT_MS, type HealthIndicator } from './health.indicators';
