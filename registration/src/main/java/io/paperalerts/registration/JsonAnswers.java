package io.paperalerts.registration;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.javalin.http.Context;
import io.paperalerts.mail.MailText;
import io.paperalerts.schemas.Subscription;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The API's JSON both ways: request bodies read strictly, answers and refusals written alike. */
final class JsonAnswers {

    static final int MAX_BODY_BYTES = 16 * 1024;
    /**
     * Every string of an answer is made one line as pages and emails make it: outside text (titles,
     * authors) may carry control characters and bidirectional overrides that would make a client
     * show something else than it is.
     */
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(String.class, new StdSerializer<>(String.class) {
                @Override
                public void serialize(String value, JsonGenerator out, SerializerProvider provider) throws IOException {
                    out.writeString(MailText.oneLine(value));
                }
            }));

    private JsonAnswers() {}

    static JsonNode jsonBody(Context ctx) {
        String type =
                ctx.contentType() == null ? "" : ctx.contentType().split(";")[0].strip();
        if (!type.equalsIgnoreCase("application/json")) {
            // A form or text/plain body is what a hostile page can send without a CORS preflight.
            throw ApiError.unsupportedMediaType(
                    "expected Content-Type application/json, got '" + (type.isEmpty() ? "none" : type) + "'");
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_BODY_BYTES) {
            throw ApiError.invalid("body", "body over 16 KiB (" + body.length + " bytes)");
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null) {
                throw ApiError.invalid("body", "empty body; expected a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw ApiError.invalid(
                    "body",
                    "not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    static void refuse(ApiError e, Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", e.status);
        if (e.field != null) {
            body.put("field", e.field);
        }
        body.put("reason", e.getMessage());
        if (e.position != null) {
            body.put("position", e.position);
        }
        if (e.retryAfterSeconds > 0) {
            ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds));
        }
        json(ctx.status(e.status), body);
    }

    static Map<String, Object> view(Subscription s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", s.getId());
        view.put("email", s.getEmail());
        view.put("query", s.getQuery());
        view.put("delivery", s.getDelivery().name().toLowerCase(Locale.ROOT));
        if (s.getTrendingTop() != null) {
            view.put("trending", Map.of("top", s.getTrendingTop()));
        }
        view.put("status", s.getStatus().name().toLowerCase(Locale.ROOT));
        view.put("timezone", s.getTimezone());
        view.put("backfillDays", s.getBackfillDays());
        view.put("created", s.getCreated().toString());
        return view;
    }

    static void json(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An answer serialized once, with its entity tag, for as long as what it was made of stays the same. */
    record Cached(long version, byte[] body, String etag) {}

    static Cached cached(long version, Object body) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(body);
            return new Cached(version, bytes, ConditionalGet.etag(bytes));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cached answer, or 304 when the client has it already; clients revalidate every time. */
    static void json(Context ctx, Cached answer) {
        ConditionalGet.answer(ctx, answer.body(), answer.etag(), "application/json", "no-cache");
    }
}
