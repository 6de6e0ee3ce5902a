// Kafka producer shared by the ingest Lambdas.
export {
  KAFKA_AUTH_MODES,
  KAFKA_PRODUCER_DEFAULTS,
  type KafkaAuthMode,
  type KafkaBootstrap,
  type KafkaProducerConfig,
  parseBrokerList,
  readKafkaProducerConfig,
} from './config.js';
export {
  KafkaProduceError,
  KafkaUnavailableError,
  MskBootstrapBrokersError,
  toKafkaFailure,
} from './errors.js';
export { generateMskIamToken, resolveMskBootstrapBrokers } from './msk.js';
export {
  kafkaClientSettings,
  kafkaLogCreator,
  ManagedKafkaProducer,
  type ManagedKafkaProducerDependencies,
  type MessageSender,
  producerSettings,
} from './producer.js';
export { type PublishedEvents, publishEvents } from './publish.js';
