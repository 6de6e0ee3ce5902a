// cassandra-driver requires adm-zip only to unpack DataStax Astra secure connect bundles (`cloud` option),
// which this pipeline never uses; bundles alias adm-zip here to leave ~37 KB out of the processor.
module.exports = class AdmZip {
  constructor() {
    throw new Error('cloud secure connect bundles are not supported in this bundle (adm-zip is left out)');
  }
};
