/**
 * `EdgeRegistrySite`'s own cross-argument rules (each component checks its own arguments): the cluster-only form,
 * registry to create or existing one, tag or digest, node trust and TLS mode, a child site's arguments, plain names.
 */
import type { TlsMode } from "../../connectedRegistryExtension";
import type { EdgeRegistrySiteArgs } from "../../edgeRegistrySite";
import { inputError, knownValue } from "../validation";
import { checkChildSiteArgs } from "./childSite";
import { checkClusterOnlyArgs } from "./clusterOnly";

/** The default TLS mode, in which cert-manager creates the registry's CA inside the cluster. */
const certManagerMode: `${TlsMode}` = "CertManager";
/** The TLS mode with a cert-manager already in the cluster: the CA is created there too. */
const preinstalledCertManagerMode: `${TlsMode}` = "PreinstalledCertManager";

/** The site's own cross-argument rules; each component checks its own arguments. */
export function checkSiteArgs(args: EdgeRegistrySiteArgs): void {
  checkClusterOnlyArgs(args);
  if (args.registryName !== undefined && args.existingRegistryName !== undefined) {
    throw inputError(
      "existingRegistryName",
      "cannot be combined with registryName: set registryName to create a registry, or existingRegistryName to use one.",
    );
  }
  if (args.existingRegistryName !== undefined && args.location !== undefined) {
    throw inputError(
      "location",
      "applies only to a registry the site creates; remove it when using existingRegistryName.",
    );
  }
  if (args.workloadTag !== undefined && args.workloadDigest !== undefined) {
    throw inputError(
      "workloadDigest",
      "cannot be combined with workloadTag: pin the image by digest (preferred) or by tag.",
    );
  }
  const tlsMode = knownValue(args.tlsMode) ?? certManagerMode;
  const trustDistribution = knownValue(args.trustDistribution) ?? true;
  const nodeTrust = knownValue(args.nodeTrust) ?? !trustDistribution;
  if (nodeTrust && (tlsMode === certManagerMode || tlsMode === preinstalledCertManagerMode)) {
    throw inputError(
      "nodeTrust",
      `needs the registry's CA, which cert-manager creates inside the cluster in tlsMode ${tlsMode}; use tlsMode Certificate or KubernetesSecret, keep trustDistribution on, or set nodeTrust false and trust the CA yourself.`,
    );
  }
  checkChildSiteArgs(args);
  for (const key of ["connectedRegistryName", "clientTokenName"] as const) {
    if (args[key] !== undefined && knownValue(args[key]) === undefined) {
      throw inputError(
        key,
        "must be a plain string (it names resources); pass a literal or a config value, not an output.",
      );
    }
  }
  if (
    knownValue(args.deployWorkload) === false &&
    (args.workloadTag !== undefined || args.workloadDigest !== undefined)
  ) {
    throw inputError(
      "deployWorkload",
      "is false, so workloadTag/workloadDigest would be ignored; remove them or deploy the workload.",
    );
  }
}
