"use strict";
/** `@npmcli/arborist`, loaded on first use (see lazyModule.js); the SDK reads it through `__importStar` only. */
const lazyModule = require("./lazyModule");
module.exports = lazyModule(() => require("@npmcli/arborist/lib/index.js"), { esModule: true });
