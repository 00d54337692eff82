package io.paperalerts.registration;

/** A request the API refuses: the status, and for a 400 the field and the reason. */
final class ApiError extends RuntimeException {

    final int status;
    final String field;
    final Integer position;
    final long retryAfterSeconds;

    private ApiError(int status, String field, String reason, Integer position, long retryAfterSeconds) {
        super(reason);
        this.status = status;
        this.field = field;
        this.position = position;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static ApiError invalid(String field, String reason) {
        return new ApiError(400, field, reason, null, 0);
    }

    static ApiError invalid(String field, String reason, Integer position) {
        return new ApiError(400, field, reason, position, 0);
    }

    static ApiError forbidden(String reason) {
        return new ApiError(403, null, reason, null, 0);
    }

    /** Any other refusal, by its status. */
    static ApiError of(int status, String reason) {
        return new ApiError(status, null, reason, null, 0);
    }

    static ApiError tooLarge(String reason) {
        return new ApiError(413, "body", reason, null, 0);
    }

    static ApiError unsupportedMediaType(String reason) {
        return new ApiError(415, "Content-Type", reason, null, 0);
    }

    static ApiError notFound(String reason) {
        return new ApiError(404, null, reason, null, 0);
    }

    static ApiError tooMany(String reason, long retryAfterSeconds) {
        return new ApiError(429, null, reason, null, retryAfterSeconds);
    }

    static ApiError unavailable(String reason) {
        return new ApiError(503, null, reason, null, 0);
    }

    static ApiError internal(String reason) {
        return new ApiError(500, null, reason, null, 0);
    }
}
