package io.paperalerts.notifier;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Parked digests read before their time, by partition and offset. They wait aside, so the records
 * behind them go on, and the commit of their partition stays before the first of them, so a
 * restart reads them again.
 */
final class ParkedDigests {

    private final NotifierFailurePolicy policy;
    private final Map<TopicPartition, TreeMap<Long, ConsumerRecord<String, byte[]>>> waiting = new HashMap<>();

    ParkedDigests(NotifierFailurePolicy policy) {
        this.policy = policy;
    }

    /** Sets the record aside if its time has not come. @return whether it was set aside */
    boolean setAsideIfNotDue(TopicPartition partition, ConsumerRecord<String, byte[]> record) {
        if (policy.due(DigestDelivery.notBefore(record))) {
            return false;
        }
        waiting.computeIfAbsent(partition, p -> new TreeMap<>()).put(record.offset(), record);
        return true;
    }

    /** Those set aside whose time has come, in offset order per partition. */
    List<ConsumerRecord<String, byte[]>> due() {
        List<ConsumerRecord<String, byte[]>> due = new ArrayList<>();
        for (TreeMap<Long, ConsumerRecord<String, byte[]>> records : waiting.values()) {
            for (ConsumerRecord<String, byte[]> record : records.values()) {
                if (policy.due(DigestDelivery.notBefore(record))) {
                    due.add(record);
                }
            }
        }
        return due;
    }

    /** The record was delivered (or handled for good): it waits no more. */
    void done(ConsumerRecord<String, byte[]> record) {
        TreeMap<Long, ConsumerRecord<String, byte[]>> records =
                waiting.get(new TopicPartition(record.topic(), record.partition()));
        if (records != null) {
            records.remove(record.offset());
        }
    }

    /** How far the partition may be committed: its position, but never past a digest waiting aside. */
    long committable(TopicPartition partition, long position) {
        TreeMap<Long, ConsumerRecord<String, byte[]>> records = waiting.get(partition);
        return records == null || records.isEmpty() ? position : Math.min(position, records.firstKey());
    }

    /** Another instance reads these partitions now, and will read their parked digests again. */
    void revoke(Collection<TopicPartition> partitions) {
        partitions.forEach(waiting::remove);
    }
}
