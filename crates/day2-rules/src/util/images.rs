//! Images: registry and tag of a reference, and the databases recognised by image.

use super::image_base;
use k8s_openapi::api::core::v1::{Container, PodSpec};

/// The registry host of an image reference, when it names one
/// (`123.dkr.ecr.eu-west-1.amazonaws.com/api:1` → that host; `nginx` → None).
pub fn image_registry(image: &str) -> Option<&str> {
    let (first, rest) = image.split_once('/')?;
    (!rest.is_empty() && (first.contains('.') || first.contains(':') || first == "localhost"))
        .then_some(first)
}

/// Tag and digest of an image reference.
pub fn image_tag(image: &str) -> (Option<&str>, bool) {
    let (name, digest) = match image.split_once('@') {
        Some((n, _)) => (n, true),
        None => (image, false),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    (last.split_once(':').map(|(_, t)| t), digest)
}

/// Database engines recognised by image name, with their default port.
/// Exporters, operators, proxies and UIs have other image names and do not match.
const DATABASES: &[(&str, &str, i32)] = &[
    ("postgres", "PostgreSQL", 5432),
    ("postgresql", "PostgreSQL", 5432),
    ("postgis", "PostgreSQL", 5432),
    ("pgvector", "PostgreSQL", 5432),
    ("timescaledb", "PostgreSQL", 5432),
    ("timescaledb-ha", "PostgreSQL", 5432),
    ("crunchy-postgres", "PostgreSQL", 5432),
    ("mysql", "MySQL", 3306),
    ("mysql-server", "MySQL", 3306),
    ("percona-server", "MySQL", 3306),
    ("percona-xtradb-cluster", "MySQL", 3306),
    ("mariadb", "MariaDB", 3306),
    ("mongo", "MongoDB", 27017),
    ("mongodb", "MongoDB", 27017),
    ("mongodb-community-server", "MongoDB", 27017),
    ("mongodb-enterprise-server", "MongoDB", 27017),
    ("percona-server-mongodb", "MongoDB", 27017),
    ("redis", "Redis", 6379),
    ("redis-stack", "Redis", 6379),
    ("redis-stack-server", "Redis", 6379),
    ("valkey", "Valkey", 6379),
    ("keydb", "KeyDB", 6379),
    ("dragonfly", "Dragonfly", 6379),
    ("elasticsearch", "Elasticsearch", 9200),
    ("opensearch", "OpenSearch", 9200),
    ("kafka", "Kafka", 9092),
    ("cp-kafka", "Kafka", 9092),
    ("cp-server", "Kafka", 9092),
    ("kafka-native", "Kafka", 9092),
    ("redpanda", "Redpanda", 9092),
    ("zookeeper", "ZooKeeper", 2181),
    ("cp-zookeeper", "ZooKeeper", 2181),
    ("etcd", "etcd", 2379),
    ("cassandra", "Cassandra", 9042),
    ("scylla", "ScyllaDB", 9042),
    ("cockroach", "CockroachDB", 26257),
    ("yugabyte", "YugabyteDB", 5433),
    ("clickhouse", "ClickHouse", 9000),
    ("clickhouse-server", "ClickHouse", 9000),
    ("influxdb", "InfluxDB", 8086),
    ("neo4j", "Neo4j", 7687),
    ("couchdb", "CouchDB", 5984),
    ("couchbase", "Couchbase", 8091),
    ("server", "", 0), // placeholder: mcr.microsoft.com/mssql/server, matched by path below
    ("rabbitmq", "RabbitMQ", 5672),
    ("minio", "MinIO", 9000),
    ("solr", "Solr", 8983),
    ("arangodb", "ArangoDB", 8529),
    ("questdb", "QuestDB", 8812),
    ("qdrant", "Qdrant", 6333),
    ("weaviate", "Weaviate", 8080),
    ("milvus", "Milvus", 19530),
];

/// A database engine recognised from an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Database {
    pub engine: &'static str,
    pub port: i32,
}

impl Database {
    /// Engines commonly run as disposable caches (no data to lose).
    pub fn is_cache_capable(&self) -> bool {
        matches!(self.engine, "Redis" | "Valkey" | "KeyDB" | "Dragonfly")
    }
}

/// The database engine an image runs, if it is one.
pub fn database_of_image(image: &str) -> Option<Database> {
    let no_digest = image.split('@').next().unwrap_or(image);
    if no_digest.contains("mssql/server") {
        return Some(Database {
            engine: "SQL Server",
            port: 1433,
        });
    }
    let base = image_base(image).to_ascii_lowercase();
    if base.starts_with("spilo") {
        return Some(Database {
            engine: "PostgreSQL",
            port: 5432,
        });
    }
    DATABASES
        .iter()
        .find(|(n, e, _)| !e.is_empty() && *n == base)
        .map(|(_, engine, port)| Database {
            engine,
            port: *port,
        })
}

/// The first app container of a pod spec that runs a database.
pub fn database_container(spec: &PodSpec) -> Option<(usize, &Container, Database)> {
    spec.containers.iter().enumerate().find_map(|(i, c)| {
        c.image
            .as_deref()
            .and_then(database_of_image)
            .map(|d| (i, c, d))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn databases_are_recognised_by_image_not_by_substring() {
        let engine = |i: &str| database_of_image(i).map(|d| d.engine);
        assert_eq!(engine("postgres:16"), Some("PostgreSQL"));
        assert_eq!(engine("bitnami/postgresql:16.4.0"), Some("PostgreSQL"));
        assert_eq!(
            engine("ghcr.io/zalando/spilo-16:3.3-p1"),
            Some("PostgreSQL")
        );
        assert_eq!(
            engine("mcr.microsoft.com/mssql/server:2022-latest"),
            Some("SQL Server")
        );
        assert_eq!(
            engine("docker.elastic.co/elasticsearch/elasticsearch:8.15.0"),
            Some("Elasticsearch")
        );
        assert_eq!(engine("confluentinc/cp-kafka:7.7.0"), Some("Kafka"));
        for not_db in [
            "quay.io/prometheuscommunity/postgres-exporter:v0.15.0",
            "oliver006/redis_exporter:v1.62.0",
            "mongo-express:1.0",
            "edoburu/pgbouncer:1.23",
            "provectuslabs/kafka-ui:v0.7.2",
            "ghcr.io/cloudnative-pg/cloudnative-pg:1.24.0",
            "memcached:1.6",
            "nginx:1.27",
        ] {
            assert_eq!(engine(not_db), None, "{not_db}");
        }
    }

    #[test]
    fn image_references() {
        assert_eq!(image_tag("nginx"), (None, false));
        assert_eq!(image_tag("registry:5000/a/b:1.2"), (Some("1.2"), false));
        assert_eq!(image_tag("registry:5000/a/b"), (None, false));
        assert_eq!(image_tag("a/b@sha256:00"), (None, true));
        assert_eq!(image_registry("nginx:1"), None);
        assert_eq!(image_registry("library/nginx:1"), None);
        assert_eq!(image_registry("localhost/app:1"), Some("localhost"));
        assert_eq!(
            image_registry("1.dkr.ecr.eu-west-1.amazonaws.com/app:1"),
            Some("1.dkr.ecr.eu-west-1.amazonaws.com")
        );
    }
}
