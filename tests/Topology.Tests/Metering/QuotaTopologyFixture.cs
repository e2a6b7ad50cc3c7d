using System.Net;
using System.Text.Json.Nodes;
using InferenceGateway.TestSupport;
using InferenceGateway.TestSupport.Topology;
using Npgsql;

namespace InferenceGateway.Topology.Tests.Metering;

/// <summary>
/// Two node processes and two control-plane processes (replicas on one database and broker), shared by the quota
/// tests so they pay for one topology. Each test makes its own tenant, with an upstream of its own (a private
/// address serves one tenant only).
/// </summary>
public sealed class QuotaTopologyFixture : IAsyncLifetime
{
    private readonly List<RecordingUpstream> _upstreams = [];

    public GatewayTopology Topology { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Topology = await TopologyFixture.StartAsync("quota", nodes: 2);
        await Topology.StartSecondControlPlaneAsync();
    }

    public async Task DisposeAsync()
    {
        await Topology.DisposeAsync();
        foreach (var upstream in _upstreams)
        {
            await upstream.DisposeAsync();
        }
    }

    /// <summary>A tenant whose plan has a hard monthly request quota, and generous rate limits (every refusal is the quota's).</summary>
    public async Task<(TopologyTenant Tenant, RecordingUpstream Upstream)> QuotaTenantAsync(int quota)
    {
        var upstream = await TopologyFixture.UpstreamAsync("quota");
        _upstreams.Add(upstream);
        var tenant = await Topology.CreateTenantAsync(upstream, new
        {
            requestsPerSecondPerKey = 10_000, burstPerKey = 10_000, requestsPerSecondPerTenant = 10_000, burstPerTenant = 10_000,
            monthlyRequestQuota = quota, quotaEnforcement = "hard",
        });
        return (tenant, upstream);
    }

    /// <summary>Waits until the key works on every node, counting the requests that got through (they count against the quota).</summary>
    public async Task<int> WaitForKeyAsync(TopologyTenant tenant)
    {
        var admitted = 0;
        for (var node = 0; node < Topology.NodeCount; node++)
        {
            var index = node;
            await Wait.UntilAsync(async () =>
            {
                if (await Topology.StatusAsync(index, tenant.Path(), tenant.Key) != HttpStatusCode.OK)
                {
                    return false;
                }

                admitted++;
                return true;
            }, $"the key to work on node {index}", TimeSpan.FromSeconds(60), Topology.Diagnostics);
        }

        return admitted;
    }

    /// <summary>The tenant's requests in the ledger (all status classes), from the usage API.</summary>
    public async Task<long> LedgerRequestsAsync(TopologyTenant tenant)
    {
        using var admin = Topology.Admin();
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-2).ToString("O"));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(2).ToString("O"));
        var report = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/tenants/{tenant.TenantId}/usage?from={from}&to={to}&granularity=day"))!;
        return (long)report["totals"]!["requests"]!;
    }

    /// <summary>The tenant's request consumption as the last quota push stored it (and published it to the nodes in the same transaction).</summary>
    public async Task<long> PushedRequestsAsync(TopologyTenant tenant)
    {
        await using var connection = new NpgsqlConnection(Topology.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "QuotaRequestsConsumed" FROM "Tenants" WHERE "Id" = @id""", connection);
        command.Parameters.AddWithValue("id", Guid.Parse(tenant.TenantId));
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The sessions that hold or wait for the quota push lock (<c>QuotaPushLeadership.LockKey</c>, 0x1697_0015), by the
    /// process id each control plane puts in its connection's <c>application_name</c>.
    /// </summary>
    public async Task<List<(int ProcessId, bool Granted)>> PushLockAsync()
    {
        const long key = 0x1697_0015;
        await using var connection = new NpgsqlConnection(Topology.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT a.application_name, l.granted FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid = @high AND l.objid = @low AND l.objsubid = 1
            """, connection);
        command.Parameters.AddWithValue("high", NpgsqlTypes.NpgsqlDbType.Oid, (uint)(key >> 32));
        command.Parameters.AddWithValue("low", NpgsqlTypes.NpgsqlDbType.Oid, (uint)(key & 0xFFFF_FFFF));
        var sessions = new List<(int, bool)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            // "igw-quota-pusher pid=<id> host=<host>"
            var name = reader.GetString(0);
            var pid = name.Split(' ').Single(p => p.StartsWith("pid=", StringComparison.Ordinal))[4..];
            sessions.Add((int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture), reader.GetBoolean(1)));
        }

        return sessions;
    }
}
