using Npgsql;

namespace InferenceGateway.TestSupport.Topology;

/// <summary>
/// A PostgreSQL 15 cluster of its own (pg_createcluster on a free port, listening on localhost only) that a test can really stop
/// and start while other tests keep the shared server. Needs root, as scripts/services.sh does. Dropped on dispose.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string Version = "15";
    private bool _created;

    public string Name { get; } = $"igwtest{Guid.NewGuid():N}"[..17];

    public int Port { get; } = FreePort.Next();

    public string User => "igw_topology";

    public string Password { get; } = $"pw{Guid.NewGuid():N}";

    public string Database => "igw";

    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Database={Database};Username={User};Password={Password};Include Error Detail=false";

    /// <summary>Creates and starts the cluster and a login role that may create the database.</summary>
    public async Task CreateAsync()
    {
        await Shell.RunAsync("pg_createcluster", [Version, Name, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-o", "fsync=off", "-o", "synchronous_commit=off", "-o", "full_page_writes=off"]);
        _created = true;
        await StartAsync();
        await Shell.RunAsync("runuser", ["-u", "postgres", "--", "psql", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-qAtc",
            $"CREATE ROLE {User} LOGIN CREATEDB PASSWORD '{Password}'"]);
    }

    public async Task StartAsync()
    {
        await Shell.RunAsync("pg_ctlcluster", [Version, Name, "start"]);
        await WaitUntilAsync(up: true);
    }

    /// <summary>Really stops the server (fast shutdown: open connections are ended).</summary>
    public async Task StopAsync()
    {
        await Shell.RunAsync("pg_ctlcluster", [Version, Name, "stop", "-m", "fast"]);
        await WaitUntilAsync(up: false);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_created)
        {
            await Shell.RunAsync("pg_dropcluster", [Version, Name, "--stop"]);
        }
    }

    private async Task WaitUntilAsync(bool up)
    {
        await Wait.UntilAsync(async () =>
        {
            var status = await Shell.RunAsync("bash", ["-c", $"pg_ctlcluster {Version} {Name} status >/dev/null 2>&1; echo $?"]);
            return (status.Trim() == "0") == up;
        }, up ? "the test PostgreSQL cluster to start" : "the test PostgreSQL cluster to stop", TimeSpan.FromSeconds(120));
    }
}
