#!/usr/bin/env node
/**
 * Prints the release notes of a tag from CHANGELOG.md (Keep a Changelog), after checking the release is
 * consistent: the tag is `v<semver>`, equals `v<package.json version>`, and CHANGELOG.md has a dated
 * `## [<version>] - YYYY-MM-DD` section that is not empty. Exits 1 with a message otherwise.
 *
 *   node .github/scripts/release-notes.js v0.2.0 [CHANGELOG.md] [package.json] > notes.md
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

// semver.org's own regular expression (without the leading v).
const semver =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** The notes of `tag`, or throws an Error saying what is inconsistent. */
function releaseNotes(tag, changelog, manifest) {
  if (!/^v/.test(tag) || !semver.test(tag.slice(1))) {
    throw new Error(`tag "${tag}" is not v<semver> (e.g. v1.2.3 or v1.3.0-rc.1)`);
  }
  const version = tag.slice(1);
  if (manifest.version !== version) {
    throw new Error(
      `tag ${tag} does not match package.json version ${manifest.version}; bump it (npm version ${version})`,
    );
  }
  const lines = changelog.split(/\r?\n/);
  const escaped = version.replace(/[.+]/g, "\\$&");
  const heading = new RegExp(`^## \\[${escaped}\\] - (\\d{4}-\\d{2}-\\d{2})\\s*$`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) {
    throw new Error(`CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" section; move the Unreleased entries there`);
  }
  const next = lines.findIndex((line, i) => i > start && /^## /.test(line));
  const body = lines
    .slice(start + 1, next < 0 ? undefined : next)
    .filter((line) => !/^\[[^\]]+\]: /.test(line))
    .join("\n")
    .trim();
  if (body === "") {
    throw new Error(`the CHANGELOG.md section of ${version} is empty`);
  }
  return body + "\n";
}

module.exports = { releaseNotes };

if (require.main === module) {
  const [tag, changelogFile = "CHANGELOG.md", manifestFile = "package.json"] = process.argv.slice(2);
  try {
    const changelog = fs.readFileSync(path.resolve(changelogFile), "utf8");
    const manifest = JSON.parse(fs.readFileSync(path.resolve(manifestFile), "utf8"));
    process.stdout.write(releaseNotes(tag ?? "", changelog, manifest));
  } catch (error) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 1;
  }
}
