using InferenceGateway.DataPlane.Pipeline;
using Yarp.ReverseProxy.Forwarder;

namespace InferenceGateway.DataPlane.Forwarding;

/// <summary>
/// Sends the request to the tenant's endpoint with YARP's forwarder and turns forwarding failures into the
/// gateway's own errors: 504 when the endpoint stays silent past its timeout, 502 when it cannot be reached,
/// refuses the connection or answers with something that is not HTTP.
/// </summary>
internal sealed partial class ForwardingHandler(
    IHttpForwarder forwarder, UpstreamClient client, UpstreamTransformer transformer, ILogger<ForwardingHandler> logger)
{
    /// <summary>The last step of the request path: nothing runs after forwarding.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Gateway();
        var route = request.Route!;
        var error = await forwarder.SendAsync(context, route.BaseUrl, client.Invoker, route.RequestConfig, transformer);
        if (error == ForwarderError.None)
        {
            return;
        }

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        if (context.RequestAborted.IsCancellationRequested || error is ForwarderError.RequestCanceled or ForwarderError.ResponseBodyClient or ForwarderError.UpgradeResponseClient)
        {
            return; // the client went away
        }

        if (FindRefusal(exception) is { } refused)
        {
            LogRefused(logger, route.EndpointId, refused.Reason, request.RequestId);
        }
        else
        {
            LogUpstreamFailed(logger, route.EndpointId, error, request.RequestId);
        }

        if (error is ForwarderError.RequestTimedOut)
        {
            await GatewayProblem.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "Gateway timeout", "The model endpoint did not answer in time.");
        }
        else if (error is ForwarderError.RequestBodyClient)
        {
            await GatewayProblem.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request", "The request body could not be read.");
        }
        else
        {
            await GatewayProblem.WriteAsync(context, StatusCodes.Status502BadGateway, "Bad gateway", "The model endpoint could not be reached or sent an invalid response.");
        }
    }

    private static UpstreamAddressRefusedException? FindRefusal(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is UpstreamAddressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Refused to connect to endpoint {EndpointId}: its name resolved to {Reason} (request {RequestId})")]
    private static partial void LogRefused(ILogger logger, Guid endpointId, string reason, string requestId);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Forwarding to endpoint {EndpointId} failed: {Error} (request {RequestId})")]
    private static partial void LogUpstreamFailed(ILogger logger, Guid endpointId, ForwarderError error, string requestId);
}
