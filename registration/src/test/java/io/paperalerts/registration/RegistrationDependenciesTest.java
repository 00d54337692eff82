package io.paperalerts.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Registration sends its emails with the shared {@code mail} module and knows nothing of the
 * notifier (whose internals it used to import): a build rule, checked on the compiled classes.
 */
class RegistrationDependenciesTest {

    @Test
    void shouldReferToNoClassOfTheNotifier() throws Exception {
        Path classes = Path.of("target", "classes", "io", "paperalerts", "registration");
        List<Path> files;
        try (Stream<Path> all = Files.walk(classes)) {
            files = all.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertThat(files).hasSizeGreaterThan(10);
        for (Path file : files) {
            // A class's constant pool names every class it uses, as io/paperalerts/notifier/...
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertThat(bytes).as(file.toString()).doesNotContain("io/paperalerts/notifier/");
        }
    }
}
