using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using InferenceGateway.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace InferenceGateway.ControlPlane.Tests.Features.Billing;

/// <summary>One call as the fake Stripe received it, and what it answered.</summary>
public sealed record StripeCall(string Method, string Path, string Authorization, string? IdempotencyKey, IReadOnlyDictionary<string, string> Form, int Status, bool Replayed);

/// <summary>
/// The Stripe endpoints the sync uses (customers, invoices, invoice items, finalize), on a loopback port: it checks
/// the key, records every call, creates objects, and answers a repeated idempotency key with the object it made the
/// first time, as Stripe does. <see cref="FailNext"/> injects a failure: a 500 before anything is created, or a
/// dropped connection after the object was created (the answer lost on the way back).
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public const string ApiKey = "sk_test_fake_0123456789abcdefghij";

    private readonly ConcurrentDictionary<string, string> _byKey = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private int _sequence;

    private FakeStripe(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<StripeCall> Calls { get; } = new();

    /// <summary>The objects created, in order (a replayed key creates nothing), with the gateway invoice or tenant id their metadata names.</summary>
    public ConcurrentQueue<(string Id, string? Owner)> Created { get; } = new();

    /// <summary>Fails the next call the predicate (path, form fields) picks.</summary>
    public (Func<string, IReadOnlyDictionary<string, string>, bool> Matches, bool AfterCreate)? FailNext { get; set; }

    public static FakeStripe Start()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var fake = new FakeStripe(app, new Uri($"http://127.0.0.1:{port}"));
        app.Run(fake.HandleAsync);
        app.StartAsync().GetAwaiter().GetResult();
        return fake;
    }

    public IReadOnlyList<StripeCall> CallsTo(string path) => Calls.Where(c => c.Path == path).ToList();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var form = request.HasFormContentType
            ? (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var path = request.Path.Value ?? "/";
        var auth = request.Headers.Authorization.ToString();
        var key = request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } k ? k : null;

        async Task Answer(int status, string body, bool replayed = false)
        {
            Calls.Enqueue(new StripeCall(request.Method, path, auth, key, form, status, replayed));
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        }

        if (auth != "Bearer " + ApiKey)
        {
            await Answer(401, """{"error":{"type":"invalid_request_error","message":"Invalid API Key provided."}}""");
            return;
        }

        var fail = FailNext is { } f && f.Matches(path, form) ? f : ((Func<string, IReadOnlyDictionary<string, string>, bool>, bool)?)null;
        if (fail is { Item2: false })
        {
            FailNext = null;
            await Answer(500, """{"error":{"type":"api_error","message":"Something went wrong on Stripe's end."}}""");
            return;
        }

        if (key is not null && _byKey.TryGetValue(key, out var cached))
        {
            await Answer(200, cached, replayed: true);
            return;
        }

        JsonObject? created = path switch
        {
            "/v1/customers" => new JsonObject { ["id"] = Id("cus"), ["object"] = "customer", ["name"] = form.GetValueOrDefault("name") },
            "/v1/invoices" => new JsonObject { ["id"] = Id("in"), ["object"] = "invoice", ["status"] = "draft", ["customer"] = form.GetValueOrDefault("customer") },
            "/v1/invoiceitems" => new JsonObject { ["id"] = Id("ii"), ["object"] = "invoiceitem", ["invoice"] = form.GetValueOrDefault("invoice") },
            _ when path.StartsWith("/v1/invoices/", StringComparison.Ordinal) && path.EndsWith("/finalize", StringComparison.Ordinal) =>
                new JsonObject { ["id"] = path.Split('/')[3], ["object"] = "invoice", ["status"] = "open" },
            _ => null,
        };
        if (created is null)
        {
            await Answer(404, """{"error":{"type":"invalid_request_error","message":"Unrecognized request URL."}}""");
            return;
        }

        var body = created.ToJsonString();
        if (!path.EndsWith("/finalize", StringComparison.Ordinal))
        {
            Created.Enqueue(((string)created["id"]!, form.GetValueOrDefault("metadata[igw_invoice_id]") ?? form.GetValueOrDefault("metadata[igw_tenant_id]")));
        }

        if (key is not null)
        {
            _byKey[key] = body;
        }

        if (fail is { Item2: true })
        {
            // Made, but the answer never reaches the caller.
            FailNext = null;
            Calls.Enqueue(new StripeCall(request.Method, path, auth, key, form, 0, false));
            context.Abort();
            return;
        }

        await Answer(200, body);
    }

    private string Id(string prefix) => $"{prefix}_fake{Interlocked.Increment(ref _sequence)}";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The control plane with Stripe configured against <see cref="FakeStripe"/>; the background loops are slowed so the tests drive them.</summary>
public sealed class StripeControlPlaneApp : ControlPlaneApp
{
    public const string WebhookSecret = "whsec_test_0123456789abcdefghijklmn";

    public FakeStripe Stripe { get; } = FakeStripe.Start();

    protected override IEnumerable<(string Key, string Value)> Settings() =>
    [
        ("ControlPlane:Billing:Stripe:ApiKey", FakeStripe.ApiKey),
        ("ControlPlane:Billing:Stripe:WebhookSecret", WebhookSecret),
        ("ControlPlane:Billing:Stripe:ApiBase", Stripe.BaseAddress.ToString().TrimEnd('/')),
        ("ControlPlane:Billing:Stripe:SyncInterval", "01:00:00"),
        ("ControlPlane:Billing:CloseInterval", "01:00:00"),
    ];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}
