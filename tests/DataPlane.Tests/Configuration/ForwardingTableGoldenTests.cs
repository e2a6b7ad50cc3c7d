using System.Text;
using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.DataPlane.Configuration;

namespace InferenceGateway.DataPlane.Tests.Configuration;

/// <summary>
/// Snapshot in, forwarding table out, compared with a reviewed golden file. After an intended change,
/// regenerate with <c>IGW_UPDATE_GOLDEN=1 dotnet test tests/DataPlane.Tests</c> and review the diff.
/// </summary>
public sealed class ForwardingTableGoldenTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 6, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Build_Snapshot_MatchesTheGoldenForwardingTable()
    {
        var input = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Configuration", "Golden", "snapshot.input.json"));
        var snapshot = JsonSerializer.Deserialize<ConfigSnapshot>(input, ContractJson.Options)!;

        var errors = new List<string>();
        var state = NodeStateBuilder.Build(snapshot, Now, errors);

        Assert.Empty(errors);
        var actual = Render(state!);
        var goldenPath = Path.Combine(SourceDirectory(), "Configuration", "Golden", "forwarding-table.golden.txt");
        if (Environment.GetEnvironmentVariable("IGW_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(goldenPath, actual);
        }

        Assert.True(File.Exists(goldenPath), "no golden file yet: run with IGW_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(goldenPath).ReplaceLineEndings("\n"), actual);
    }

    [Fact]
    public void Build_SameSnapshotTwice_GivesTheSameTable()
    {
        var input = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Configuration", "Golden", "snapshot.input.json"));
        var a = NodeStateBuilder.Build(JsonSerializer.Deserialize<ConfigSnapshot>(input, ContractJson.Options)!, Now, []);
        var b = NodeStateBuilder.Build(JsonSerializer.Deserialize<ConfigSnapshot>(input, ContractJson.Options)!, Now, []);
        Assert.Equal(Render(a!), Render(b!));
    }

    /// <summary>The forwarding table as text: what a request for (tenant, model) gets, and which keys open it.</summary>
    internal static string Render(NodeState state)
    {
        var text = new StringBuilder();
        text.Append($"revision {state.Revision}\n");
        foreach (var tenant in state.TenantsBySlug.Values.OrderBy(t => t.Slug, StringComparer.Ordinal))
        {
            var plan = tenant.Plan;
            var models = plan.AllowedModels is null ? "*" : string.Join(",", plan.AllowedModels.Order(StringComparer.Ordinal));
            text.Append($"tenant {tenant.Slug} {(tenant.Suspended ? "suspended" : "active")} key={plan.RequestsPerSecondPerKey}/s+{plan.BurstPerKey} tenant={plan.RequestsPerSecondPerTenant}/s+{plan.BurstPerTenant} body<={plan.MaxRequestBodyBytes} models={models}\n");
            foreach (var route in tenant.Routes.Values.OrderBy(r => r.Model, StringComparer.Ordinal))
            {
                var credential = route.UpstreamHeaderName is null ? "no credential" : $"adds {route.UpstreamHeaderName}";
                text.Append($"  /t/{tenant.Slug}/{route.Model}/** -> {route.BaseUrl}/** ({credential}, timeout {route.RequestConfig.ActivityTimeout!.Value.TotalSeconds}s)\n");
            }
        }

        foreach (var (hash, key) in state.Keys.Records().Select(r => (r.Hash, Key: KeyEntry.From(r, state.Keys.Models))).OrderBy(k => k.Key.PublicId, StringComparer.Ordinal).ThenBy(k => k.Hash.ToString(), StringComparer.Ordinal))
        {
            var tenant = state.TenantsById[key.TenantId].Slug;
            var models = key.AllowedModels is null ? "*" : string.Join(",", key.AllowedModels.Order(StringComparer.Ordinal));
            text.Append($"key {key.PublicId} hash={hash.ToString()[..8]}… tenant={tenant} models={models} expires={key.ExpiresAt?.ToString("O") ?? "never"}{(key.GraceUntil is { } g ? $" previous-secret-until={g:O}" : string.Empty)}\n");
        }

        foreach (var block in state.Blocks.Items)
        {
            text.Append($"block {block.Target} {block.Value} until {block.ExpiresAt:O}\n");
        }

        return text.ToString();
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetDirectoryName(Path.GetDirectoryName(path))!;
}
