package io.paperalerts.avro;

import org.apache.avro.specific.SpecificRecordBase;

/**
 * A copy of a generated record that shares the original's field values. Avro's copying builder
 * deep-copies every field by reflection, nested records included: for an alert with its paper that
 * took ~7 % of the stream threads' time at 100,000 subscriptions. Safe where nothing changes a
 * record's values in place, which is how the services treat records they did not build.
 */
public final class ShallowCopy {

    private ShallowCopy() {}

    /** @param empty a new record of the same class, which receives the values */
    public static <T extends SpecificRecordBase> T of(T record, T empty) {
        for (int field = 0; field < record.getSchema().getFields().size(); field++) {
            empty.put(field, record.get(field));
        }
        return empty;
    }
}
