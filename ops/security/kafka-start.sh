#!/usr/bin/env bash
# Starts a single-node KRaft Kafka (broker and controller) as docker-compose.yml runs it in the
# apache/kafka image: clients must speak SASL_SSL (SCRAM-SHA-512), and StandardAuthorizer allows
# nothing no ACL allows. The SCRAM users (admin, ingest, streams, notifier) are created with their
# passwords when the storage is first formatted, as KRaft wants them before the first start.
#
# Reads from $SECRETS (default /run/secrets, files made by make-certs.sh): kafka.p12,
# store.password and USER.password for each user. Replication and the controller stay on
# loopback-only plaintext listeners inside the container; their principal (ANONYMOUS) acts as the
# cluster, and nothing outside the container reaches them.
set -euo pipefail
kafka_home="${KAFKA_HOME:-/opt/kafka}"
secrets="${SECRETS:-/run/secrets}"
data="${KAFKA_DATA:-/var/lib/kafka/data}"
config="${KAFKA_CONFIG:-/tmp/paper-alerts-kafka.properties}"
client_port="${CLIENT_PORT:-9092}"
host_port="${HOST_PORT:-29092}"
advertised="${ADVERTISED_HOST:-kafka}"
internal_port="${INTERNAL_PORT:-9091}"
controller_port="${CONTROLLER_PORT:-9093}"
users=(admin ingest streams notifier)

store_password="$(cat "$secrets/store.password")"
umask 077
cat > "$config" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$controller_port
controller.listener.names=CONTROLLER
listeners=SASL_SSL://:$client_port,HOST://:$host_port,INTERNAL://localhost:$internal_port,CONTROLLER://localhost:$controller_port
advertised.listeners=SASL_SSL://$advertised:$client_port,HOST://localhost:$host_port,INTERNAL://localhost:$internal_port
listener.security.protocol.map=SASL_SSL:SASL_SSL,HOST:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.host.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PKCS12
ssl.keystore.location=$secrets/kafka.p12
ssl.keystore.password=$store_password
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:ANONYMOUS
log.dirs=$data
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES

scram=()
for user in "${users[@]}"; do
  scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(cat "$secrets/$user.password")]")
done
# Formats once; on later starts the storage (and the users in it) is kept.
"$kafka_home/bin/kafka-storage.sh" format --ignore-formatted --standalone \
  -t "${CLUSTER_ID:-MkU3OEVBNTcwNTJENDM2Qg}" -c "$config" "${scram[@]}"
exec "$kafka_home/bin/kafka-server-start.sh" "$config"
