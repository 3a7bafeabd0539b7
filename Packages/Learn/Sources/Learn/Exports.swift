// Learn trains over the plug-in protocols of Exchange (codecs, rules, attacks, communicators, the exchange step);
// re-exported so that `import Learn` is enough to train with them.
@_exported import Exchange
