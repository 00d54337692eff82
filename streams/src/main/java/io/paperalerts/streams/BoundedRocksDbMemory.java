package io.paperalerts.streams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Puts every RocksDB store of the process under one memory budget ({@code streams.rocksdb.memory.mb}):
 * one block cache holds their data, index and filter blocks, and their memtables are charged to it.
 * Without it each store opens with RocksDB's own defaults, and there is one store per task and state
 * store (dozens), so the memory of an instance grows with its partitions, not with its work. This is
 * the setter Kafka Streams' memory-management guide describes.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** The budget in bytes, passed through the streams properties to every store's setter. */
    static final String MEMORY_BYTES = "paperalerts.rocksdb.memory.bytes";

    /** Memtables may take up to this share of the budget; the rest is for blocks read. */
    private static final double MEMTABLE_SHARE = 0.5;
    /** Index and filter blocks are kept before data blocks: without them every read goes to disk. */
    private static final double HIGH_PRIORITY_SHARE = 0.1;

    private record Budget(Cache cache, WriteBufferManager writeBuffers) {}

    /**
     * Per budget, for the life of the process: the stores of all stream threads share one, and
     * closing a store must not free what the others use. Keyed by size so that two instances with
     * different budgets in one JVM (tests) each get theirs.
     */
    private static final Map<Long, Budget> BUDGETS = new ConcurrentHashMap<>();

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long bytes = Long.parseLong(String.valueOf(configs.get(MEMORY_BYTES)));
        Budget budget = BUDGETS.computeIfAbsent(bytes, size -> {
            Cache cache = new LRUCache(size, -1, false, HIGH_PRIORITY_SHARE);
            return new Budget(cache, new WriteBufferManager((long) (size * MEMTABLE_SHARE), cache));
        });
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(budget.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(budget.writeBuffers());
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // Nothing: the cache and the write buffer manager are shared by every store of the process.
    }
}
