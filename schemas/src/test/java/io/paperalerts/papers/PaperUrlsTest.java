package io.paperalerts.papers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PaperUrlsTest {

    @Test
    void shouldKeepAbsoluteHttpAndHttpsUrls() {
        assertThat(PaperUrls.httpOrNull("https://arxiv.org/abs/2501.01234"))
                .isEqualTo("https://arxiv.org/abs/2501.01234");
        assertThat(PaperUrls.httpOrNull(" HTTP://example.org/a?b=c ")).isEqualTo("HTTP://example.org/a?b=c");
    }

    @Test
    void shouldDropEveryOtherScheme() {
        assertThat(PaperUrls.httpOrNull("javascript:alert(document.cookie)")).isNull();
        assertThat(PaperUrls.httpOrNull("JaVaScRiPt:alert(1)")).isNull();
        assertThat(PaperUrls.httpOrNull("data:text/html,<script>alert(1)</script>"))
                .isNull();
        assertThat(PaperUrls.httpOrNull("vbscript:msgbox")).isNull();
        assertThat(PaperUrls.httpOrNull("//evil.test/x")).isNull();
        assertThat(PaperUrls.httpOrNull("/relative/path")).isNull();
        assertThat(PaperUrls.httpOrNull("https:///no-host")).isNull();
        assertThat(PaperUrls.httpOrNull("java\tscript:alert(1)")).isNull();
        assertThat(PaperUrls.httpOrNull("https://example.org/a b")).isNull();
        assertThat(PaperUrls.httpOrNull("")).isNull();
        assertThat(PaperUrls.httpOrNull(null)).isNull();
    }
}
