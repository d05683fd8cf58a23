"""The compose stack's Kafka against the native stack's: the single node overrides only what
differs in a container, and docker-compose.cluster.yml has the native cluster's shape."""
import re
import unittest

import compose_crosscheck_test as compose
from compose_crosscheck_test import host_port, load_yaml, read


class ComposeKafkaCrosscheckTest(compose.ComposeTestCase):
    def test_kafka_overrides_only_the_container_specific_properties(self):
        props = dict(re.findall(r"^([\w.]+)=(.*)$", read("observability", "kafka", "server.properties"), re.M))
        self.assertEqual("observability/kafka", self.c.mounted_source("kafka", "/mnt/shared/config"))
        env = self.c.env("kafka")
        allowed_new = {"log.dirs"}  # the native stack appends it too (scripts/stack-up.sh)
        for name in env:
            if not name.startswith("KAFKA_"):
                continue
            key = name[len("KAFKA_"):].lower().replace("_", ".")
            self.assertTrue(key in props or key in allowed_new, f"{name} ({key}) is not a property of server.properties")
        self.assertEqual(props["process.roles"], env["KAFKA_PROCESS_ROLES"])
        advertised = env["KAFKA_ADVERTISED_LISTENERS"].split("://", 1)[1]
        host, port = host_port(advertised)
        self.assertServesPort(host, port, "advertised listener")
        for agent in ("publisher", "enricher", "recorder"):
            self.assertEqual(advertised, self.c.env(agent)["KAFKA_BROKERS"], f"{agent}: KAFKA_BROKERS")

    def test_kafka_cluster_option_matches_the_native_cluster(self):
        """docker-compose.cluster.yml: three nodes with observability/kafka/cluster.properties'
        replication settings, a quorum of all three, every agent bootstrapping from all three."""
        override = load_yaml("docker-compose.cluster.yml")["services"]
        props = dict(re.findall(r"^([\w.]+)=(.*)$", read("observability", "kafka", "server.properties"), re.M))
        cluster = dict(re.findall(r"^([\w.]+)=(.*)$", read("observability", "kafka", "cluster.properties"), re.M))
        nodes = ["kafka", "kafka-2", "kafka-3"]
        advertised = []
        for i, name in enumerate(nodes, start=1):
            env = {**self.c.env(name), **override[name]["environment"]} if name == "kafka" else override[name]["environment"]
            env = {k: str(v) for k, v in env.items()}
            keys = {k[len("KAFKA_"):].lower().replace("_", "."): v for k, v in env.items() if k.startswith("KAFKA_")}
            for key in keys:
                self.assertTrue(key in props or key == "log.dirs", f"{name}: {key} is not a property of server.properties")
            for key, value in cluster.items():
                self.assertEqual(value, keys.get(key), f"{name}: {key} differs from cluster.properties")
            self.assertEqual(str(i), keys["node.id"], name)
            voters = [v.split("@", 1)[1] for v in keys["controller.quorum.voters"].split(",")]
            self.assertEqual(nodes, [host_port(v)[0] for v in voters], f"{name}: the quorum is all three nodes")
            for host, port in map(host_port, voters):
                self.assertIn(str(port), override[host]["expose"], f"{host} does not expose its controller port")
            advertised.append(keys["advertised.listeners"].split("://", 1)[1])
            self.assertEqual(name, host_port(advertised[-1])[0], f"{name} advertises another host")
        for agent in ("publisher", "enricher", "recorder"):
            self.assertEqual(advertised, override[agent]["environment"]["KAFKA_BROKERS"].split(","), agent)
            self.assertLessEqual(set(nodes), set(override[agent]["depends_on"]), f"{agent} waits for every node")


if __name__ == "__main__":
    unittest.main()
