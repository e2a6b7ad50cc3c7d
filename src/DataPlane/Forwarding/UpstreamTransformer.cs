using System.Diagnostics;
using System.Net.Http.Headers;
using InferenceGateway.DataPlane.Pipeline;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace InferenceGateway.DataPlane.Forwarding;

/// <summary>
/// What crosses the gateway in each direction. Upstream gets the client's request minus what
/// <see cref="RequestHeaderPolicy"/> drops, plus the endpoint's own credential and the verified caller as
/// <c>X-Igw-*</c> headers. The client gets the upstream's response minus what <see cref="ResponseHeaderPolicy"/>
/// drops; an upstream server error becomes a generic 502 so no host, stack trace or model metadata leaks; a
/// streamed response is held to the endpoint's duration and idle bounds.
/// </summary>
internal sealed class UpstreamTransformer(RequestHeaderPolicy requestHeaders, TimeProvider time) : HttpTransformer
{
    public const string TenantHeader = "X-Igw-Tenant";
    public const string CredentialIdHeader = "X-Igw-Credential-Id";
    public const string RequestIdHeader = "X-Igw-Request-Id";

    private static readonly RequestHeaderPolicy DefaultPolicy = new((IEnumerable<string>?)null);

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        var request = httpContext.Gateway();
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        requestHeaders.RemoveFrom(httpContext.Request.Headers, proxyRequest);

        var route = request.Route!;
        proxyRequest.RequestUri = new Uri(string.Concat(route.BaseUrl, request.RawRest, request.RawQuery), UriKind.Absolute);
        proxyRequest.Headers.Host = null;
        if (route.UpstreamHeaderName is { } name)
        {
            // The endpoint's credential replaces anything the client sent under the same name.
            proxyRequest.Headers.Remove(name);
            proxyRequest.Headers.TryAddWithoutValidation(name, route.UpstreamHeaderValue);
        }

        // Who is calling, as the gateway verified it: the only identity an upstream should trust. The egress check
        // reads the tenant from this header too when the request opens a connection (UpstreamConnector.TenantOf).
        var headers = proxyRequest.Headers;
        headers.TryAddWithoutValidation(TenantHeader, request.Tenant!.Slug);
        if (request.Caller is { } caller)
        {
            headers.TryAddWithoutValidation(CredentialIdHeader, caller.PublicId);
        }

        headers.TryAddWithoutValidation(RequestIdHeader, request.RequestId);
        headers.TryAddWithoutValidation("X-Request-Id", request.RequestId);
        if (route.ForwardClientAddress && httpContext.Connection.RemoteIpAddress is { } client)
        {
            headers.TryAddWithoutValidation("X-Forwarded-For", (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString());
        }

        if (route.OutputHardening is not null)
        {
            // Hardening reads the answer: ask for it uncompressed (a compressed answer is refused, never passed unhardened).
            proxyRequest.Headers.AcceptEncoding.Clear();
        }

        request.UpstreamStartTimestamp = Stopwatch.GetTimestamp();
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var request = httpContext.Gateway();
        request.UpstreamHeadersTimestamp = Stopwatch.GetTimestamp();
        if (proxyResponse is null)
        {
            return false;
        }

        if ((int)proxyResponse.StatusCode >= 500)
        {
            await GatewayProblem.WriteAsync(httpContext, StatusCodes.Status502BadGateway, "Bad gateway", "The model endpoint returned an error.");
            return false;
        }

        if ((int)proxyResponse.StatusCode is >= 300 and < 400 && proxyResponse.StatusCode != System.Net.HttpStatusCode.NotModified)
        {
            // Redirects are not followed, and their Location would name the upstream's host.
            await GatewayProblem.WriteAsync(httpContext, StatusCodes.Status502BadGateway, "Bad gateway", "The model endpoint answered with a redirect, which the gateway does not follow.");
            return false;
        }

        await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var route = request.Route!;
        ResponseHeaderPolicy.Apply(httpContext.Response.Headers, route, proxyResponse);
        httpContext.Response.Headers["X-Request-Id"] = request.RequestId;
        RateLimiting.RateLimitHeaders.Write(httpContext.Response.Headers, request);

        var eventStream = IsEventStream(proxyResponse.Content);
        if (eventStream)
        {
            proxyResponse.Content = new BoundedEventStreamContent(proxyResponse.Content, route.StreamMaxDuration, route.StreamMaxIdle, time);
            if (request.Budget is { OutputAllowance: < long.MaxValue } budget)
            {
                proxyResponse.Content = new Budgets.BudgetedEventStreamContent(proxyResponse.Content, budget); // ended at what the budget reserved
            }
        }

        Metering.MeteredContent.Attach(request, proxyResponse, eventStream); // bytes out, and the model's usage for model operations

        return route.OutputHardening is { } hardening
            ? await hardening.ApplyAsync(httpContext, proxyResponse, cancellationToken)
            : true;
    }

    public override async ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken)
    {
        await base.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken);
        if (httpContext.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { IsReadOnly: false } trailers)
        {
            ResponseHeaderPolicy.ApplyToTrailers(trailers);
        }
    }

    /// <summary>The default request-header rules (without configured identity headers), for callers outside a request.</summary>
    internal static void RemoveUnsafeHeaders(IHeaderDictionary headers) => DefaultPolicy.RemoveFrom(headers);

    private static bool IsEventStream(HttpContent content) =>
        content.Headers.ContentLength is null
        && content.Headers.ContentType is MediaTypeHeaderValue { MediaType: { } type }
        && type.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase);
}
