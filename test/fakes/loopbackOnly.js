/**
 * Preload (`node -r ./test/fakes/loopbackOnly.js ...`) that keeps a test's child process on loopback:
 * every TCP connection (net, tls, http(s), fetch/undici) and every DNS lookup of a name other than
 * `localhost` is refused before any packet leaves, and recorded — one JSON line per attempt — in the file
 * named by `LOOPBACK_ONLY_LOG` (so a test can assert that nothing tried, e.g. MSAL's instance discovery at
 * login.microsoftonline.com or IMDS at 169.254.169.254).
 */
"use strict";
const fs = require("node:fs");
const net = require("node:net");
const dns = require("node:dns");

const logFile = process.env.LOOPBACK_ONLY_LOG;

function isLoopback(host) {
  if (host === undefined || host === null || host === "" || host === "localhost") {
    return true;
  }
  const address = String(host).replace(/^\[|\]$/g, "");
  if (net.isIPv4(address)) {
    return address.startsWith("127.");
  }
  if (net.isIPv6(address)) {
    return address === "::1" || /^::ffff:127\./i.test(address);
  }
  return false;
}

function record(kind, target) {
  const line = JSON.stringify({ kind, target: String(target), pid: process.pid }) + "\n";
  if (logFile) {
    fs.appendFileSync(logFile, line);
  } else {
    process.stderr.write(`loopbackOnly: refused ${line}`);
  }
}

function refusal(target) {
  const error = new Error(`loopbackOnly: refused a connection to ${target} (tests stay on 127.0.0.0/8)`);
  error.code = "ECONNREFUSED";
  return error;
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  let options = args[0];
  if (Array.isArray(options)) {
    options = options[0];
  }
  let host;
  let port;
  let isPipe = false;
  if (options !== null && typeof options === "object") {
    host = options.host;
    port = options.port;
    isPipe = options.path !== undefined;
  } else if (typeof options === "string" && !/^\d+$/.test(options)) {
    isPipe = true;
  } else {
    port = options;
    host = typeof args[1] === "string" ? args[1] : undefined;
  }
  if (!isPipe && !isLoopback(host)) {
    const target = `${host}:${port}`;
    record("connect", target);
    process.nextTick(() => this.destroy(refusal(target)));
    return this;
  }
  return originalConnect.apply(this, args);
};

function guardLookup(original) {
  return function lookup(hostname, ...rest) {
    if (!isLoopback(hostname)) {
      record("dns", hostname);
      const callback = rest[rest.length - 1];
      const error = refusal(hostname);
      if (typeof callback === "function") {
        process.nextTick(() => callback(error));
        return undefined;
      }
      return Promise.reject(error);
    }
    return original.call(this, hostname, ...rest);
  };
}

dns.lookup = guardLookup(dns.lookup);
dns.promises.lookup = guardLookup(dns.promises.lookup);
for (const name of ["resolve", "resolve4", "resolve6", "resolveAny", "resolveCname"]) {
  dns[name] = guardLookup(dns[name]);
  dns.promises[name] = guardLookup(dns.promises[name]);
}
