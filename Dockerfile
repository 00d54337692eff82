# Builds the paper-alerts command line; docker-compose.yml runs one service per container from it.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY schemas schemas
COPY local-cluster local-cluster
COPY test-support test-support
COPY ingest ingest
COPY matcher matcher
COPY relevance relevance
COPY queries queries
COPY streams streams
COPY operations operations
COPY mail mail
COPY notifier notifier
COPY registration registration
COPY app app
COPY bench bench
RUN ./mvnw -q -B -DskipTests -pl app -am package

FROM eclipse-temurin:17-jre
RUN useradd --system --home /var/lib/paper-alerts paper-alerts \
    && mkdir -p /var/lib/paper-alerts && chown paper-alerts /var/lib/paper-alerts
WORKDIR /opt/paper-alerts
COPY --from=build /src/app/target/lib lib
COPY --from=build /src/app/target/paper-alerts.jar paper-alerts.jar
COPY app/src/main/resources/io/paperalerts/app/samples/hf-papers-page.jsonl samples/hf-papers-page.jsonl
USER paper-alerts
EXPOSE 8080 9401 9402 9403
# Ready = the service can do its job now (GET /health/ready); the streams service's metrics port by
# default, HEALTH_URL for the others (docker-compose.yml probes each on its own port).
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s --retries=4 \
    CMD java -jar /opt/paper-alerts/paper-alerts.jar probe "${HEALTH_URL:-http://localhost:9403/health/ready}"
ENTRYPOINT ["java", "-jar", "/opt/paper-alerts/paper-alerts.jar"]
