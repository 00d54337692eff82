package io.paperalerts.streams;

import io.paperalerts.config.CommonConfig;
import io.paperalerts.config.GroupMembership;
import java.time.Duration;
import java.util.Map;

/**
 * One streams instance as a process of its own, for a test to kill with SIGKILL: {@code
 * bootstrap-servers state-dir shards instance-id}. Exits non-zero when the service stops working,
 * as the real command does.
 */
public final class StreamsInstanceProcess {

    private StreamsInstanceProcess() {}

    public static void main(String[] args) throws Exception {
        AlertStreamsService service = new AlertStreamsService(new StreamsServiceConfig(Map.of(
                CommonConfig.BOOTSTRAP_SERVERS, args[0],
                StreamsServiceConfig.STATE_DIR, args[1],
                StreamsServiceConfig.MATCHING_SHARDS, args[2],
                GroupMembership.INSTANCE_ID, args[3])));
        service.start();
        service.awaitRunning(Duration.ofMinutes(2));
        System.out.println("running");
        String reason = service.terminated().join();
        System.err.println("stopped: " + reason);
        System.exit(1);
    }
}
