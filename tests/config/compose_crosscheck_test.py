"""docker-compose.yml cannot run here (no container engine), so this cross-checks it against
the files it mounts and the files that refer to it: service names, ports, mounted paths,
environment overrides, image versions against the native stack, and the Dockerfile."""
import glob
import json
import os
import re
import shutil
import subprocess
import unittest
from urllib.parse import urlsplit

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OBS = os.path.join(ROOT, "observability")


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def load_yaml(*parts):
    return yaml.safe_load(read(*parts))


def interpolate_defaults(text):
    """${VAR:-default} -> default, ${VAR} -> VAR's value in .env.example (compose's rules)."""
    env = env_example()
    text = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m.group(1), m.group(2)), str(text))
    return re.sub(r"\$\{(\w+)(?::?\?[^}]*)?\}", lambda m: env.get(m.group(1), ""), text)


def env_example():
    env = {}
    for line in read(".env.example").splitlines():
        m = re.match(r"^\s*([A-Za-z_]\w*)=(.*)$", line)
        if m:
            env[m.group(1)] = m.group(2).strip()
    return env


def versions_env():
    return dict(re.findall(r"^(\w+)=(\S+)", read("scripts", "versions.env"), re.M))


class Compose:
    def __init__(self):
        self.doc = load_yaml("docker-compose.yml")
        self.services = self.doc["services"]

    def container_ports(self, name):
        """Ports the service listens on inside the network: expose plus published targets."""
        svc = self.services[name]
        ports = {int(p) for p in svc.get("expose", [])}
        for p in svc.get("ports", []):
            ports.add(int(interpolate_defaults(p).rsplit(":", 1)[1].split("/")[0]))
        # A service in another's network namespace listens on that service's addresses.
        for other, osvc in self.services.items():
            if osvc.get("network_mode") == f"service:{name}":
                ports |= self.listen_ports_from_command(other)
        return ports

    def listen_ports_from_command(self, name):
        cmd = self.services[name].get("command", [])
        return {int(cmd[i + 1].rsplit(":", 1)[1]) for i, a in enumerate(cmd) if a == "--listen"}

    def published(self, name):
        return [interpolate_defaults(p) for p in self.services[name].get("ports", [])]

    def mounts(self, name):
        """[(source relative to the repo, target, read_only)] of the bind mounts."""
        out = []
        for v in self.services[name].get("volumes", []):
            parts = v.split(":")
            if parts[0].startswith("./"):
                out.append((os.path.normpath(parts[0][2:]), parts[1], len(parts) > 2 and "ro" in parts[2].split(",")))
        return out

    def mounted_source(self, name, container_path):
        """The repository path that container_path of service name resolves to, or None."""
        for src, target, _ in sorted(self.mounts(name), key=lambda m: -len(m[1])):
            if container_path == target or container_path.startswith(target.rstrip("/") + "/"):
                return os.path.normpath(os.path.join(src, os.path.relpath(container_path, target)))
        return None

    def flag(self, name, flag):
        args = self.services[name].get("command", [])
        for i, a in enumerate(args):
            if a.startswith(flag + "="):
                return a.split("=", 1)[1]
            if a == flag and i + 1 < len(args):
                return args[i + 1]
        return None

    def env(self, name):
        env = self.services[name].get("environment", {})
        if isinstance(env, list):
            env = dict(e.split("=", 1) for e in env)
        return {k: str(v) for k, v in env.items()}


# Services whose image has nothing to probe with (no shell, no HTTP client): each must say so in
# docker-compose.yml, and whoever depends on it waits for it to start instead.
NO_PROBE_IN_IMAGE = {"victorialogs"}


def host_port(address):
    host, port = address.rsplit(":", 1)
    return host, int(port)


class ComposeTestCase(unittest.TestCase):
    """The compose model and its assertions, for this module's tests and the Kafka ones
    (compose_kafka_crosscheck_test.py)."""
    @classmethod
    def setUpClass(cls):
        cls.c = Compose()

    def assertServesPort(self, service, port, what):
        self.assertIn(service, self.c.services, f"{what}: no compose service '{service}'")
        self.assertIn(port, self.c.container_ports(service), f"{what}: service '{service}' does not expose port {port}")


class ComposeCrosscheckTest(ComposeTestCase):

    # ---------------------------------------------------------------- structure
    def test_compose_spec_layout(self):
        self.assertNotIn("version", self.c.doc, "the compose spec has no top-level version key")
        expected = {"kafka", "otel-collector", "jaeger", "victorialogs", "prometheus", "alertmanager", "grafana",
                    "publisher", "enricher", "recorder"}
        self.assertLessEqual(expected, set(self.c.services))

    def test_images_are_pinned(self):
        for name, svc in self.c.services.items():
            image = svc.get("image")
            self.assertTrue(image, f"{name}: no image (built services name their image too)")
            self.assertRegex(image, r":[\w][\w.-]*$", f"{name}: image {image} has no tag")
            self.assertNotRegex(image, r":latest$", f"{name}: image {image} is not pinned")

    def test_every_service_has_a_healthcheck_and_dependencies_wait_for_it(self):
        for name, svc in self.c.services.items():
            if name in NO_PROBE_IN_IMAGE:
                self.assertNotIn("healthcheck", svc, f"{name}: listed as unprobeable but has a healthcheck")
            else:
                self.assertIn("test", svc.get("healthcheck", {}), f"{name}: no healthcheck")
            deps = svc.get("depends_on", {})
            self.assertIsInstance(deps, dict, f"{name}: depends_on needs conditions")
            for dep, cond in deps.items():
                self.assertIn(cond.get("condition"), ("service_healthy", "service_started"), f"{name} -> {dep}")
                if cond.get("condition") == "service_healthy":
                    self.assertIn("healthcheck", self.c.services[dep], f"{name} waits for {dep} to be healthy, which has no healthcheck")

    def test_healthchecks_probe_ports_the_service_serves(self):
        for name, svc in self.c.services.items():
            if name in NO_PROBE_IN_IMAGE:
                continue
            for url in re.findall(r"https?://[^\s'\"]+", " ".join(svc["healthcheck"]["test"])):
                port = urlsplit(url).port
                target = name
                if svc.get("network_mode", "").startswith("service:"):
                    target = svc["network_mode"].split(":", 1)[1]
                self.assertIn(port, self.c.container_ports(target), f"{name}: healthcheck probes {url}")

    def test_published_host_ports_are_unique(self):
        seen = {}
        for name in self.c.services:
            for p in self.c.published(name):
                host = p.rsplit(":", 1)[0]
                self.assertNotIn(host, seen, f"{name} and {seen.get(host)} publish {host}")
                seen[host] = name

    # ---------------------------------------------------------------- mounts
    def test_bind_mounts_exist_and_configs_are_read_only(self):
        for name in self.c.services:
            for src, target, ro in self.c.mounts(name):
                self.assertTrue(os.path.exists(os.path.join(ROOT, src)), f"{name}: mounted {src} does not exist")
                self.assertTrue(ro, f"{name}: {src} is mounted writable; configs are mounted as they are (:ro)")

    def test_programs_read_their_config_from_the_mounted_repository_file(self):
        cases = [
            ("prometheus", "--config.file", "observability/prometheus/prometheus.yml"),
            ("alertmanager", "--config.file", "observability/alertmanager/alertmanager.yml"),
            ("jaeger", "--config", "observability/jaeger/jaeger.yml"),
            ("otel-collector", "--config", "observability/otel-collector/otel-collector.yml"),
        ]
        for service, flag, repo_path in cases:
            path = self.c.flag(service, flag)
            self.assertIsNotNone(path, f"{service}: no {flag}")
            self.assertEqual(repo_path, self.c.mounted_source(service, path), f"{service}: {flag} {path}")

    def test_prometheus_rule_and_target_files_are_mounted_beside_its_config(self):
        config_path = self.c.flag("prometheus", "--config.file")
        config_dir = os.path.dirname(config_path)
        prom = load_yaml("observability", "prometheus", "prometheus.yml")
        for rule_file in prom.get("rule_files", []):
            src = self.c.mounted_source("prometheus", os.path.join(config_dir, rule_file))
            self.assertEqual(f"observability/prometheus/{rule_file}", src)
        sd_files = [f for job in prom.get("scrape_configs", []) for sd in job.get("file_sd_configs", []) for f in sd["files"]]
        sd_files += [f for am in prom["alerting"]["alertmanagers"] for sd in am.get("file_sd_configs", []) for f in sd["files"]]
        self.assertTrue(sd_files)
        for f in sd_files:
            src = self.c.mounted_source("prometheus", os.path.join(config_dir, f))
            self.assertEqual(os.path.normpath(f"observability/prometheus/targets/compose/{os.path.basename(f)}"), src)
            for env in ("compose", "native"):
                self.assertTrue(os.path.exists(os.path.join(OBS, "prometheus", "targets", env, os.path.basename(f))),
                                f"targets/{env}/{os.path.basename(f)} is missing")

    def test_grafana_provisioning_paths(self):
        self.assertEqual("observability/grafana/provisioning", self.c.mounted_source("grafana", "/etc/grafana/provisioning"))
        providers = load_yaml("observability", "grafana", "provisioning", "dashboards", "dashboards.yml")["providers"]
        for p in providers:
            src = self.c.mounted_source("grafana", p["options"]["path"])
            self.assertEqual("observability/grafana/dashboards", src, f"dashboard provider {p['name']}")
        home = self.c.env("grafana")["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
        self.assertTrue(os.path.exists(os.path.join(ROOT, self.c.mounted_source("grafana", home))), home)

    # ---------------------------------------------------------------- addresses
    def test_prometheus_compose_targets_are_services_and_match_native(self):
        for path in sorted(glob.glob(os.path.join(OBS, "prometheus", "targets", "compose", "*.json"))):
            with open(path, encoding="utf-8") as f:
                compose_groups = json.load(f)
            with open(path.replace(f"{os.sep}compose{os.sep}", f"{os.sep}native{os.sep}"), encoding="utf-8") as f:
                native_groups = json.load(f)
            self.assertEqual(len(native_groups), len(compose_groups), path)
            for cg, ng in zip(compose_groups, native_groups):
                self.assertEqual(cg.get("labels"), ng.get("labels"), f"{path}: labels differ from native")
                for ct, nt in zip(cg["targets"], ng["targets"]):
                    host, port = host_port(ct)
                    self.assertServesPort(host, port, os.path.basename(path))
                    self.assertEqual(port, host_port(nt)[1], f"{path}: {ct} vs native {nt}")
                    if "agent" in (cg.get("labels") or {}):
                        self.assertEqual(cg["labels"]["agent"], host, f"{path}: agent label of {ct}")

    def test_collector_exports_to_jaeger_and_listens_on_the_network(self):
        env = self.c.env("otel-collector")
        host, port = host_port(env["JAEGER_OTLP_GRPC_ENDPOINT"])
        self.assertServesPort(host, port, "JAEGER_OTLP_GRPC_ENDPOINT")
        jaeger = read("observability", "jaeger", "jaeger.yml")
        self.assertRegex(jaeger, rf"grpc:\s*\n\s*endpoint: \"\$\{{env:JAEGER_LISTEN_HOST:-127.0.0.1\}}:{port}\"")

    def test_env_placeholders_of_mounted_configs_are_set(self):
        """A config listening on ${env:X_LISTEN_HOST:-127.0.0.1} would listen on the container's
        loopback unless compose sets X; every ${env:...} a mounted config uses must be set."""
        for service in self.c.services:
            for src, _, _ in self.c.mounts(service):
                full = os.path.join(ROOT, src)
                files = [full] if os.path.isfile(full) else glob.glob(os.path.join(full, "**", "*"), recursive=True)
                for path in files:
                    if not os.path.isfile(path) or not path.endswith((".yml", ".yaml")):
                        continue
                    with open(path, encoding="utf-8") as f:
                        names = set(re.findall(r"\$\{env:(\w+)", f.read()))
                    for name in names:
                        self.assertIn(name, self.c.env(service), f"{service}: {os.path.relpath(path, ROOT)} reads ${{env:{name}}}")
                    if "LISTEN_HOST" in " ".join(names):
                        for name in names:
                            if name.endswith("LISTEN_HOST"):
                                self.assertEqual("0.0.0.0", self.c.env(service)[name], f"{service}: {name}")

    def test_collector_ports_match_its_config(self):
        config = read("observability", "otel-collector", "otel-collector.yml")
        ports = {int(p) for p in re.findall(r"OTELCOL_LISTEN_HOST:-127.0.0.1\}:(\d+)\"", config)}
        ports |= {int(p) for p in re.findall(r"port: (\d+)", config)}
        self.assertEqual({4317, 4318, 8889, 13133, 8888}, ports)
        for port in ports:
            self.assertServesPort("otel-collector", port, "otel-collector.yml")

    def test_grafana_datasource_urls_point_at_services(self):
        sources = load_yaml("observability", "grafana", "provisioning", "datasources", "datasources.yml")["datasources"]
        for ds in sources:
            url = urlsplit(ds["url"])
            self.assertServesPort(url.hostname, url.port, f"data source {ds['name']}")

    def test_alertmanager_webhook_is_served_in_its_network_namespace(self):
        am = load_yaml("observability", "alertmanager", "alertmanager.yml")
        urls = [w["url"] for r in am["receivers"] for w in r.get("webhook_configs", [])]
        self.assertTrue(urls)
        receivers = [n for n, s in self.c.services.items() if s.get("network_mode") == "service:alertmanager"]
        self.assertEqual(1, len(receivers), "one webhook receiver shares alertmanager's network namespace")
        receiver = receivers[0]
        listen = self.c.flag(receiver, "--listen")
        script = self.c.services[receiver]["command"][1]
        self.assertEqual("observability/alertmanager/webhook_receiver.py", self.c.mounted_source(receiver, script))
        for url in urls:
            u = urlsplit(url)
            self.assertEqual("127.0.0.1", u.hostname, url)
            self.assertEqual(f"127.0.0.1:{u.port}", listen, url)
            self.assertTrue(any(p.endswith(f":{u.port}") for p in self.c.published("alertmanager")),
                            f"{url}: alertmanager does not publish the receiver's port")

    def test_collector_exports_logs_to_victorialogs(self):
        url = urlsplit(self.c.env("otel-collector")["VICTORIALOGS_URL"])
        self.assertServesPort(url.hostname, url.port, "VICTORIALOGS_URL")
        self.assertEqual(f"-httpListenAddr=:{url.port}", self.c.services["victorialogs"]["command"][0])

    def test_jaeger_keeps_traces_on_a_volume_and_reads_its_ui_config(self):
        env = self.c.env("jaeger")
        data = env["JAEGER_DATA_DIR"]
        volumes = [v for v in self.c.services["jaeger"]["volumes"] if not v.startswith("./")]
        self.assertTrue(any(data == v.split(":")[1] or data.startswith(v.split(":")[1].rstrip("/") + "/") for v in volumes),
                        f"JAEGER_DATA_DIR {data} is not on a named volume: traces would not survive a restart")
        self.assertEqual("observability/jaeger/ui-config.json", self.c.mounted_source("jaeger", env["JAEGER_UI_CONFIG"]))

    def test_grafana_preinstalls_every_data_source_plugin_pinned(self):
        builtin = {"prometheus", "jaeger", "alertmanager"}
        sources = load_yaml("observability", "grafana", "provisioning", "datasources", "datasources.yml")["datasources"]
        plugins = {p.split("@")[0]: p.partition("@")[2]
                   for p in self.c.env("grafana").get("GF_PLUGINS_PREINSTALL", "").split(",") if p}
        for ds in sources:
            if ds["type"] in builtin:
                continue
            self.assertIn(ds["type"], plugins, f"data source {ds['name']}: plugin {ds['type']} is not preinstalled")
            self.assertRegex(plugins[ds["type"]], r"^\d+\.\d+\.\d+$", f"plugin {ds['type']} is not pinned")

    def test_retention_defaults_match_the_native_stack(self):
        stack_up = read("scripts", "stack-up.sh")
        for var in ("EDAOBS_METRICS_RETENTION", "EDAOBS_TRACES_RETENTION", "EDAOBS_LOGS_RETENTION"):
            native = re.search(rf"\$\{{{var}:-(\w+)\}}", stack_up).group(1)
            compose = set(re.findall(rf"\$\{{{var}:-(\w+)\}}", read("docker-compose.yml")))
            self.assertEqual({native}, compose, var)

    def test_agents_point_at_the_collector_and_serve_their_scrape_port(self):
        with open(os.path.join(OBS, "prometheus", "targets", "compose", "agents.json"), encoding="utf-8") as f:
            targets = {g["labels"]["agent"]: host_port(g["targets"][0])[1] for g in json.load(f)}
        collector_http = re.search(r"OTELCOL_LISTEN_HOST:-127.0.0.1\}:(\d+)\"\s*$",
                                   read("observability", "otel-collector", "otel-collector.yml").split("http:")[1], re.M)
        for agent, port in targets.items():
            env = self.c.env(agent)
            self.assertEqual(agent, env["OTEL_SERVICE_NAME"])
            url = urlsplit(env["OTEL_EXPORTER_OTLP_ENDPOINT"])
            self.assertServesPort(url.hostname, url.port, f"{agent} OTEL_EXPORTER_OTLP_ENDPOINT")
            self.assertEqual(int(collector_http.group(1)), url.port, f"{agent}: OTLP/HTTP port")
            self.assertServesPort(agent, port, "agents.json")
            self.assertEqual([f"/usr/local/bin/{agent}"], self.c.services[agent]["entrypoint"])

    # ---------------------------------------------------------------- versions and images
    def test_versions_match_the_native_stack(self):
        v = versions_env()
        images = {n: s["image"] for n, s in self.c.services.items()}
        self.assertEqual(f"apache/kafka:{v['KAFKA_VERSION']}", images["kafka"])
        self.assertEqual(f"jaegertracing/jaeger:{v['JAEGER_RELEASE']}", images["jaeger"])
        self.assertEqual(f"victoriametrics/victoria-logs:{v['VICTORIALOGS_VERSION']}", images["victorialogs"])
        manifest = load_yaml("observability", "otel-collector", "builder-config.yaml")
        self.assertEqual(v["OTELCOL_BUILDER_VERSION"], "v" + manifest["dist"]["version"])
        for kind in ("receivers", "processors", "exporters", "connectors", "extensions"):
            for comp in manifest.get(kind, []):
                self.assertTrue(comp["gomod"].endswith(" " + v["OTELCOL_BUILDER_VERSION"]), comp["gomod"])
        dockerfile = read("Dockerfile")
        self.assertIn(f"ARG OTELCOL_BUILDER_VERSION={v['OTELCOL_BUILDER_VERSION']}\n", dockerfile)
        self.assertTrue(images["otel-collector"].endswith(":" + v["OTELCOL_BUILDER_VERSION"]))
        for service, tool in (("prometheus", "promtool"), ("alertmanager", "amtool")):
            if not shutil.which(tool):
                self.fail(f"{tool} is not installed (make deps); cannot compare {service}'s version")
            out = subprocess.run([tool, "--version"], capture_output=True, text=True)
            native = re.search(r"version (\d+\.\d+\.\d+)", out.stdout + out.stderr).group(1)
            self.assertTrue(images[service].endswith(f":v{native}"), f"{service}: {images[service]} vs native {native}")

    def test_dockerfile_builds_what_compose_uses_with_the_native_packages(self):
        dockerfile = read("Dockerfile")
        stages = set(re.findall(r"^FROM \S+ AS (\S+)", dockerfile, re.M))
        for name, svc in self.c.services.items():
            build = svc.get("build")
            if build:
                self.assertIn(build["target"], stages, f"{name}: Dockerfile has no stage {build['target']}")
        agents = re.search(r'^ARG AGENTS="([^"]+)"', dockerfile, re.M).group(1).split()
        # Every service run from the agent image has its program in it (scripts/new-agent.sh adds both).
        agent_services = [n for n, s in self.c.services.items() if (s.get("build") or {}).get("target") == "agent"]
        self.assertLessEqual({"publisher", "enricher", "recorder"}, set(agent_services))
        self.assertEqual(agent_services, agents)
        deps = re.search(r"DEBIAN_PACKAGES=\((.*?)\)", read("scripts", "deps.sh"), re.S).group(1).split()
        build_stage = dockerfile.split(" AS build\n", 1)[1].split("\nFROM ", 1)[0]
        installed = re.search(r"apt-get install -y --no-install-recommends(.*?)&&", build_stage, re.S).group(1)
        packages = [p for p in installed.replace("\\", " ").split() if p]
        self.assertTrue(packages)
        for p in packages:
            self.assertIn(p, deps, f"the build stage installs {p}, which make deps does not")

    # ---------------------------------------------------------------- credentials
    def test_grafana_credentials_come_from_env_and_are_not_admin_admin(self):
        env = self.c.env("grafana")
        self.assertRegex(env["GF_SECURITY_ADMIN_USER"], r"^\$\{GRAFANA_ADMIN_USER:\?")
        self.assertRegex(env["GF_SECURITY_ADMIN_PASSWORD"], r"^\$\{GRAFANA_ADMIN_PASSWORD:\?")
        example = env_example()
        self.assertIn("GRAFANA_ADMIN_USER", example)
        self.assertIn("GRAFANA_ADMIN_PASSWORD", example)
        self.assertNotEqual(("admin", "admin"), (example["GRAFANA_ADMIN_USER"], example["GRAFANA_ADMIN_PASSWORD"]))
        self.assertNotIn(example["GRAFANA_ADMIN_PASSWORD"], ("admin", ""))
        self.assertEqual("false", env["GF_AUTH_ANONYMOUS_ENABLED"])
        # Every variable compose requires is documented in .env.example.
        required = set(re.findall(r"\$\{(\w+):\?", read("docker-compose.yml")))
        self.assertLessEqual(required, set(example))


if __name__ == "__main__":
    unittest.main()
