using System.Diagnostics;
using InferenceGateway.DataPlane.Configuration;
using InferenceGateway.DataPlane.Metering;

namespace InferenceGateway.DataPlane.Pipeline;

/// <summary>
/// First step of every request: gives it an id, fixes the configuration it will see, writes the access-log
/// event when it ends, and turns an unexpected failure into a clean 500 without internals.
/// </summary>
internal sealed partial class RequestContextMiddleware(
    RequestDelegate next, NodeConfig config, AccessLog accessLog, UsageMeter meter, ILogger<RequestContextMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = new GatewayRequest { RequestId = NewRequestId(), StartTimestamp = Stopwatch.GetTimestamp(), State = config.Current };
        context.Features.Set(request);
        context.Response.Headers["X-Request-Id"] = request.RequestId;
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The client sent something the server could not read (a broken chunked body, a body sent too slowly).
            await GatewayProblem.WriteAsync(context, ex.StatusCode, "Bad request", "The request could not be read.");
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(logger, ex, request.RequestId);
            await GatewayProblem.WriteAsync(context, StatusCodes.Status500InternalServerError, "Internal error", "The gateway failed to handle the request.");
        }
        finally
        {
            request.InFlight?.Dispose(); // the concurrency step's slots: held until the response has ended
            if (request.MeterAtEnd)
            {
                MeteringMiddleware.RecordAtEnd(meter, context, request); // the metering step's counts, for a request whose answer it does not read
            }

            accessLog.Write(context, request);
        }
    }

    /// <summary>96 random bits as hex. Unique, not secret: a fast generator, not the cryptographic one.</summary>
    private static string NewRequestId()
    {
        Span<byte> bytes = stackalloc byte[12];
        Random.Shared.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Error, Message = "Unexpected failure handling request {RequestId}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string requestId);
}
