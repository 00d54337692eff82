package io.paperalerts.app;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** A point in time given on the command line: a date (UTC midnight) or an instant. */
final class TimeOption {

    private TimeOption() {}

    static Instant parse(CommandSpec spec, String option, String value) {
        try {
            return value.length() == 10
                    ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    option + ": '" + value + "' is not a date (2026-11-28) or an instant (2026-11-28T06:00:00Z)");
        }
    }
}
