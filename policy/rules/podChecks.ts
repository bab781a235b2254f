/** Workload checks of pod-level settings: service account token, namespace, /proc, AppArmor, SELinux, sysctls (CKV_K8S_21/38, KSV002/025-027/036/110, PSS baseline). */
import { Props, arrayAt, flagAt, isUnknown, objectAt, stringAt } from "./values";
import { WorkloadCheck, namespaceOf, podSc, sc } from "./workload";

/** Sysctls the Pod Security Standards baseline allows. */
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);

/** SELinux types the Pod Security Standards baseline allows. */
const SAFE_SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

export const noServiceAccountToken: WorkloadCheck = {
  name: "k8s-no-service-account-token",
  ids: ["CKV_K8S_38", "KSV036"],
  description:
    "Pods set automountServiceAccountToken: false and mount no projected serviceAccountToken volume (CKV_K8S_38, KSV036).",
  mandatory: true,
  check: (w) => {
    const value = w.podSpec.automountServiceAccountToken;
    const automount =
      isUnknown(value) || flagAt(value) === false || (w.form === "patch" && value === undefined)
        ? []
        : [
            "automountServiceAccountToken is not false: set it to false in the pod spec unless the app calls the Kubernetes API (CKV_K8S_38).",
          ];
    const projected = arrayAt(w.podSpec.volumes)
      .map(objectAt)
      .filter((v) =>
        arrayAt(objectAt(v?.projected)?.sources).some((s) => objectAt(s)?.serviceAccountToken !== undefined),
      )
      .map(
        (v) =>
          `volume "${stringAt(v?.name) ?? "?"}" projects a serviceAccountToken, which mounts a token despite automountServiceAccountToken: false: remove it (CKV_K8S_38).`,
      );
    return [...automount, ...projected];
  },
};

export const notDefaultNamespace: WorkloadCheck = {
  name: "k8s-not-default-namespace",
  ids: ["CKV_K8S_21", "KSV110"],
  description:
    'Workloads are not deployed to the default namespace; an empty or missing namespace is the provider\'s, else "default" (CKV_K8S_21, KSV110).',
  mandatory: true,
  check: (w, config) => {
    const namespace = namespaceOf(w.metadata, config.providerNamespace);
    return namespace !== "default"
      ? []
      : [
          `metadata.namespace is ${stringAt(w.metadata.namespace) ? '"default"' : "not set (the provider puts it into default)"}: deploy into a dedicated namespace (CKV_K8S_21).`,
        ];
  },
};

export const noUnsafePodOptions: WorkloadCheck = {
  name: "k8s-no-unsafe-pod-options",
  ids: ["KSV002", "KSV025", "KSV026", "KSV027", "PSS baseline: /proc Mount Type, AppArmor, SELinux, Sysctls"],
  description:
    "Pods use no Unmasked /proc mount, no Unconfined AppArmor profile, no custom SELinux user, role or type, and only the Pod Security Standards' safe sysctls (PSS baseline, KSV002, KSV025, KSV026, KSV027).",
  mandatory: true,
  check: (w) => {
    const problems: string[] = [];
    for (const c of w.containers) {
      if (stringAt(sc(c).procMount)?.toLowerCase() === "unmasked") {
        problems.push(`container "${c.name}": securityContext.procMount is Unmasked: remove it (PSS baseline).`);
      }
    }
    const scopes: [string, Props][] = [
      ["pod", podSc(w)],
      ...w.containers.map((c) => [`container "${c.name}"`, sc(c)] as [string, Props]),
    ];
    for (const [scope, context] of scopes) {
      if (stringAt(objectAt(context.appArmorProfile)?.type)?.toLowerCase() === "unconfined") {
        problems.push(
          `${scope}: securityContext.appArmorProfile.type is Unconfined: use RuntimeDefault (PSS baseline).`,
        );
      }
      const selinux = objectAt(context.seLinuxOptions);
      const type = stringAt(selinux?.type);
      if (selinux && (!SAFE_SELINUX_TYPES.has(type ?? "") || stringAt(selinux.user) || stringAt(selinux.role))) {
        problems.push(
          `${scope}: securityContext.seLinuxOptions sets a custom user, role or type: remove it (PSS baseline).`,
        );
      }
    }
    for (const [key, value] of Object.entries(objectAt(w.podMetadata.annotations) ?? {})) {
      if (
        key.startsWith("container.apparmor.security.beta.kubernetes.io/") &&
        stringAt(value)?.toLowerCase() === "unconfined"
      ) {
        problems.push(`annotation ${key} is unconfined: use runtime/default (PSS baseline).`);
      }
    }
    for (const sysctl of arrayAt(podSc(w).sysctls).map(objectAt)) {
      const name = stringAt(sysctl?.name);
      if (name !== undefined && !SAFE_SYSCTLS.has(name)) {
        problems.push(`sysctl ${name} is not one of the safe sysctls: remove it (PSS baseline).`);
      }
    }
    return problems;
  },
};
