using InferenceGateway.ControlPlane.Tests.Infrastructure;

namespace InferenceGateway.ControlPlane.Tests.Features.Billing;

/// <summary>The control plane on SQLite, as standalone mode runs it.</summary>
public sealed class SqliteControlPlaneApp : ControlPlaneApp
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"igw-billing-{Guid.NewGuid():N}.db");

    protected override IEnumerable<(string Key, string Value)> Settings() =>
    [
        ("ControlPlane:Database:Provider", "Sqlite"),
        ("ControlPlane:Database:ConnectionString", $"Data Source={_file};Pooling=false"),
    ];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_file);
    }
}

public sealed class SqliteBillingTests(SqliteControlPlaneApp app) : IClassFixture<SqliteControlPlaneApp>
{
    [Fact]
    public async Task Close_OnSqlite_FinalizesTheMonths_AndTheDraftStaysLive()
    {
        var admin = app.Admin();
        var (tenant, _) = await admin.PricedTenantAsync();
        await app.BackdateTenantAsync(tenant, app.Month(2).Start.AddDays(2));
        await app.AddUsageAsync(tenant, app.Month(1).Start.AddMinutes(-1), requests2xx: 3500, input: 1_100_000, output: 350_000);
        await app.AddUsageAsync(tenant, app.Month(1).Start, requests2xx: 1, input: 0, output: 0);
        await app.AddUsageAsync(tenant, app.Time.GetUtcNow(), requests2xx: 1500, input: 0, output: 0);

        Assert.Equal(2, await app.CloseAsync());
        Assert.Equal(0, await app.CloseAsync());

        var invoices = (await admin.GetJsonAsync($"/api/v1/tenants/{tenant}/invoices"))["items"]!.AsArray();
        Assert.Equal([app.Month(1).Label, app.Month(2).Label], invoices.Select(i => (string)i!["period"]!));
        Assert.Equal([10.00m, 14.75m], invoices.Select(i => (decimal)i!["total"]!));
        var usage = await admin.GetJsonAsync($"/api/v1/tenants/{tenant}/invoices/{invoices[1]!.AsObject().Id()}/usage");
        Assert.Equal(3500L, (long)usage["lines"]![0]!["aggregatesSum"]!);

        var draft = await admin.GetJsonAsync($"/api/v1/tenants/{tenant}/invoices/draft");
        Assert.Equal(10.25m, (decimal)draft["total"]!);
    }
}
