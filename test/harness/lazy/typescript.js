"use strict";
/** `typescript`, loaded on first use (see lazyModule.js). */
const lazyModule = require("./lazyModule");
module.exports = lazyModule(() => require("typescript/lib/typescript.js"));
