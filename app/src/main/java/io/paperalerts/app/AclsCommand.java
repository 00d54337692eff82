package io.paperalerts.app;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.kafka.KafkaClients;
import io.paperalerts.kafka.ServiceAccess;
import io.paperalerts.notifier.NotifierConfig;
import io.paperalerts.registration.RegistrationConfig;
import io.paperalerts.streams.StreamsServiceConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.resource.PatternType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The ACLs each service needs on a cluster whose authorizer allows nothing by default, as
 * {@code kafka-acls} commands an operator can read and run, or applied at once with the
 * configuration's (an administrator's) credentials. Group names and the Streams application id
 * come from the same configuration the services read.
 */
@Command(
        name = "acls",
        mixinStandardHelpOptions = true,
        description = "Print the kafka-acls commands that give each service's principal what it needs, "
                + "and nothing more (or apply them with --apply).")
final class AclsCommand implements Callable<Integer> {

    /** The keys that name groups and the application id, with every other key a service reads. */
    static final ConfigDef DEFINITION = StreamsCommand.merge(StreamsCommand.DEFINITION, NotifierConfig.DEFINITION);

    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @Option(names = "--ingest", paramLabel = "PRINCIPAL", description = "Principal of ingest, e.g. User:ingest")
    String ingest;

    @Option(names = "--streams", paramLabel = "PRINCIPAL", description = "Principal of the streams service")
    String streams;

    @Option(names = "--notifier", paramLabel = "PRINCIPAL", description = "Principal of the notifier")
    String notifier;

    @Option(
            names = "--apply",
            description = "Create the ACLs on the cluster (needs an administrator's credentials "
                    + "in --config or PAPER_ALERTS_KAFKA_*) instead of printing commands")
    boolean apply;

    @Option(names = "--markdown", description = "Print what each service may do, and why, as a Markdown table")
    boolean markdown;

    @Option(
            names = "--command-config",
            paramLabel = "FILE",
            defaultValue = "admin.properties",
            description = "The admin client properties file named in the printed commands (default: ${DEFAULT-VALUE})")
    String commandConfig;

    @Override
    public Integer call() throws InterruptedException {
        if (markdown) {
            AbstractConfig config = new AbstractConfig(DEFINITION, service.resolve(DEFINITION, Map.of()), false);
            spec.commandLine().getOut().print(table(access(config)));
            spec.commandLine().getOut().flush();
            return 0;
        }
        if (ingest == null && streams == null && notifier == null) {
            throw new ParameterException(spec.commandLine(), "name at least one of --ingest, --streams, --notifier");
        }
        AbstractConfig config = new AbstractConfig(DEFINITION, service.resolve(DEFINITION, Map.of()), false);
        List<AclBinding> bindings = new ArrayList<>();
        for (var entry : access(config).entrySet()) {
            String principal = principal(entry.getKey());
            if (principal != null) {
                bindings.addAll(entry.getValue().bindings(principal));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (apply) {
            KafkaClients clients = ServiceOptions.clients(config);
            try (Admin admin = clients.admin()) {
                admin.createAcls(bindings).all().get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(
                        "Cannot create the ACLs as " + clients.principal() + ": "
                                + e.getCause().getMessage(),
                        e.getCause());
            }
            out.printf("created %d ACLs%n", bindings.size());
        } else {
            String bootstrap = String.join(",", config.getList(CommonConfig.BOOTSTRAP_SERVERS));
            commands(bindings, bootstrap, commandConfig).forEach(out::println);
        }
        out.flush();
        return 0;
    }

    private String principal(String service) {
        String principal = switch (service) {
            case ServiceAccess.INGEST -> ingest;
            case ServiceAccess.STREAMS -> streams;
            default -> notifier;
        };
        if (principal != null && !principal.matches("[A-Za-z]+:\\S+")) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--" + service + ": expected TYPE:NAME, e.g. User:" + service + ", not '" + principal + "'");
        }
        return principal;
    }

    /** Every service's access, with the group names and application id of this configuration. */
    static Map<String, ServiceAccess> access(AbstractConfig config) {
        Map<String, ServiceAccess> access = new LinkedHashMap<>();
        access.put(ServiceAccess.INGEST, ServiceAccess.ingest());
        access.put(
                ServiceAccess.STREAMS,
                ServiceAccess.streams(config.getString(StreamsServiceConfig.APPLICATION_ID))
                        .plus(ServiceAccess.registration(config.getString(RegistrationConfig.BACKFILL_GROUP_ID))));
        access.put(ServiceAccess.NOTIFIER, ServiceAccess.notifier(config.getString(NotifierConfig.GROUP_ID)));
        return access;
    }

    /** Each service's access as a Markdown table: what, on which resource, and why. */
    static String table(Map<String, ServiceAccess> access) {
        StringBuilder table = new StringBuilder("| service | resource | operations | why |\n|---|---|---|---|\n");
        access.forEach((service, needs) -> needs.grants()
                .forEach(grant -> table.append("| ")
                        .append(service)
                        .append(" | ")
                        .append(grant.type().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                        .append(" `")
                        .append(grant.name())
                        .append(grant.pattern() == PatternType.PREFIXED ? "*" : "")
                        .append("` | ")
                        .append(String.join(
                                ", ",
                                grant.operations().stream()
                                        .map(AclsCommand::camelCase)
                                        .sorted()
                                        .toList()))
                        .append(" | ")
                        .append(grant.why())
                        .append(" |\n")));
        return table.toString();
    }

    /** One {@code kafka-acls} command per principal and resource, with all its operations. */
    static List<String> commands(List<AclBinding> bindings, String bootstrap, String commandConfig) {
        Map<Allowed, List<String>> operations = new LinkedHashMap<>();
        for (AclBinding binding : bindings) {
            var pattern = binding.pattern();
            String resource = switch (pattern.resourceType()) {
                        case TOPIC -> "--topic ";
                        case GROUP -> "--group ";
                        case TRANSACTIONAL_ID -> "--transactional-id ";
                        default -> throw new IllegalArgumentException("no service is granted " + pattern);
                    }
                    + pattern.name()
                    + (pattern.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
            operations
                    .computeIfAbsent(new Allowed(binding.entry().principal(), resource), k -> new ArrayList<>())
                    .add("--operation " + camelCase(binding.entry().operation()));
        }
        List<String> commands = new ArrayList<>();
        operations.forEach((allowed, ops) -> commands.add("kafka-acls.sh --bootstrap-server " + bootstrap
                + " --command-config " + commandConfig + " --add --allow-principal " + allowed.principal() + " "
                + String.join(" ", ops) + " " + allowed.resource()));
        return commands;
    }

    /** A principal and the kafka-acls arguments naming one resource: one command each. */
    private record Allowed(String principal, String resource) {}

    private static String camelCase(AclOperation operation) {
        String name = operation.name().toLowerCase(Locale.ROOT);
        // kafka-acls spells operations in CamelCase: DescribeConfigs, IdempotentWrite.
        StringBuilder camel = new StringBuilder();
        for (String part : name.split("_")) {
            camel.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return camel.toString();
    }
}
