namespace InferenceGateway.SampleModel.Api;

internal sealed record ErrorResponse(ErrorDetail Error);

/// <summary>OpenAI's error body; <c>param</c> and <c>code</c> are written as null rather than omitted, as OpenAI does.</summary>
internal sealed record ErrorDetail(string Message, string Type, string? Param, string? Code);

/// <summary>
/// Thrown while reading a request to reject it in OpenAI's error shape. Validation runs deep inside parsing, and unwinding
/// straight to the error writer keeps every handler free of error plumbing.
/// </summary>
internal sealed class InvalidRequestException(string message, string? param, string? code, int statusCode = StatusCodes.Status400BadRequest)
    : Exception(message)
{
    public const string InvalidRequestError = "invalid_request_error";

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    public int StatusCode { get; } = statusCode;

    public ErrorResponse ToResponse()
    {
        return new ErrorResponse(new ErrorDetail(Message, InvalidRequestError, Param, Code));
    }
}