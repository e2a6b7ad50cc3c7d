using System.Net;
using System.Net.Sockets;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.DataPlane.Pipeline;
using InferenceGateway.ServiceDefaults;
using Yarp.ReverseProxy.Configuration;

namespace InferenceGateway.Benchmarks;

/// <summary>
/// Bytes allocated per request, a figure that does not depend on machine load: the upstream, bare YARP and two
/// data-plane nodes (access log on and off) run in this one process; one client sends requests serially to each, and
/// the process's allocated bytes (<see cref="GC.GetTotalAllocatedBytes(bool)"/>) over the measured requests, minus
/// what the same client and upstream allocate without a proxy ("direct"), is what the proxy allocates per request.
/// </summary>
internal static class AllocationProbe
{
    private const string RequestPath = "/t/bench/echo/v1/completions";

    public static async Task<int> RunAsync(int requests, bool types)
    {
        var work = Directory.CreateTempSubdirectory("igw-alloc-");
        var apps = new List<WebApplication>();
        try
        {
            var upstreamPort = FreePort();
            apps.Add(await StartAsync(Upstream.Build(upstreamPort)));
            var upstream = $"http://127.0.0.1:{upstreamPort}";

            var yarpPort = FreePort();
            apps.Add(await StartAsync(BuildYarp(yarpPort, upstream)));

            var state = Path.Combine(work.FullName, "state");
            Directory.CreateDirectory(state);
            var keyFile = Path.Combine(work.FullName, "key");
            var snapshotKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            using (var quiet = new StringWriter())
            {
                var stdout = Console.Out;
                Console.SetOut(quiet);
                SnapshotWriter.Run(state, upstream, keyFile, snapshotKey);
                Console.SetOut(stdout);
            }

            var stateNoLog = Path.Combine(work.FullName, "state-nolog");
            Directory.CreateDirectory(stateNoLog);
            File.Copy(Path.Combine(state, "snapshot.bin"), Path.Combine(stateNoLog, "snapshot.bin"));
            var stateNoMeter = Path.Combine(work.FullName, "state-nometer");
            Directory.CreateDirectory(stateNoMeter);
            File.Copy(Path.Combine(state, "snapshot.bin"), Path.Combine(stateNoMeter, "snapshot.bin"));
            var apiKey = (await File.ReadAllTextAsync(keyFile)).Trim();
            var jwt = (await File.ReadAllTextAsync(keyFile + ".jwt")).Trim();

            var dpPort = FreePort();
            apps.Add(await StartAsync(BuildNode(dpPort, state, snapshotKey, Path.Combine(work.FullName, "access.log"))));
            var dpNoLogPort = FreePort();
            apps.Add(await StartAsync(BuildNode(dpNoLogPort, stateNoLog, snapshotKey, "")));
            // dp-nometer: the same node (access log on) with usage metering off; dp minus dp-nometer is what metering allocates.
            var dpNoMeterPort = FreePort();
            apps.Add(await StartAsync(BuildNode(dpNoMeterPort, stateNoMeter, snapshotKey, Path.Combine(work.FullName, "access-nometer.log"), metering: false)));

            using var client = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false });
            // dp-jwt: the same node called with a platform access token instead of the API key (the cached path).
            var variants = new (string Name, string Url, string Credential)[]
            {
                ("direct", upstream + RequestPath, apiKey),
                ("yarp", $"http://127.0.0.1:{yarpPort}{RequestPath}", apiKey),
                ("dp", $"http://127.0.0.1:{dpPort}{RequestPath}", apiKey),
                ("dp-nolog", $"http://127.0.0.1:{dpNoLogPort}{RequestPath}", apiKey),
                ("dp-nometer", $"http://127.0.0.1:{dpNoMeterPort}{RequestPath}", apiKey),
                ("dp-jwt", $"http://127.0.0.1:{dpPort}{RequestPath}", jwt),
            };

            var measured = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, url, credential) in variants)
            {
                await SendAsync(client, url, credential, Math.Max(2000, requests / 2));
                measured[name] = await MeasureAsync(client, url, credential, requests);
            }

            if (types)
            {
                using var sampler = new AllocationSampler();
                foreach (var (name, url, credential) in variants)
                {
                    sampler.Start();
                    await SendAsync(client, url, credential, requests * 4);
                    Console.WriteLine($"sampled bytes per request by type, {name} (includes client and upstream):");
                    foreach (var (type, bytes) in sampler.Stop().Take(40))
                    {
                        Console.WriteLine($"  {bytes / (requests * 4.0),8:F0}  {type}");
                    }
                }
            }

            Console.WriteLine($"requests per variant: {requests} (serial, after warm-up); bytes allocated per request in this process, minus direct");
            Console.WriteLine($"{"variant",-10} {"total_B/req",12} {"proxy_B/req",12}");
            foreach (var (name, _, _) in variants)
            {
                Console.WriteLine($"{name,-10} {measured[name],12:F0} {measured[name] - measured["direct"],12:F0}");
            }

            Console.WriteLine(FormattableString.Invariant(
                $"alloc yarp={measured["yarp"] - measured["direct"]:F0} dp={measured["dp"] - measured["direct"]:F0} dp-nolog={measured["dp-nolog"] - measured["direct"]:F0} dp-jwt={measured["dp-jwt"] - measured["direct"]:F0} dp-nometer={measured["dp-nometer"] - measured["direct"]:F0}"));
            return 0;
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }

            work.Delete(recursive: true);
        }
    }

    private static async Task<double> MeasureAsync(HttpMessageInvoker client, string url, string apiKey, int requests)
    {
        // The best of three passes: a background timer or a tiering recompilation inside one pass only adds.
        var best = double.MaxValue;
        for (var pass = 0; pass < 3; pass++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            await SendAsync(client, url, apiKey, requests);
            var after = GC.GetTotalAllocatedBytes(precise: true);
            best = Math.Min(best, (after - before) / (double)requests);
        }

        return best;
    }

    private static async Task SendAsync(HttpMessageInvoker client, string url, string apiKey, int requests)
    {
        var uri = new Uri(url);
        // Built once: the client's own bytes must not differ between variants (a 600-character token concatenated
        // per request would count 1.2 KB against the proxy).
        var authorization = "Bearer " + apiKey;
        for (var i = 0; i < requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await client.SendAsync(request, CancellationToken.None);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}");
            }

            await response.Content.CopyToAsync(Stream.Null);
        }
    }

    private static async Task<WebApplication> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        return app;
    }

    private static WebApplication BuildYarp(int port, string upstream)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "upstream", Match = new RouteMatch { Path = "{**catch-all}" } }],
            [new ClusterConfig { ClusterId = "upstream", Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = upstream } } }]);
        var app = builder.Build();
        app.MapReverseProxy();
        return app;
    }

    private static WebApplication BuildNode(int port, string state, string snapshotKey, string accessLog, bool metering = true)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataPlane:NodeId"] = "alloc-" + port,
            ["DataPlane:ControlPlaneUrl"] = "http://127.0.0.1:9",
            ["DataPlane:NodeToken"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)),
            ["DataPlane:SnapshotKey"] = snapshotKey,
            ["DataPlane:StateDirectory"] = state,
            ["DataPlane:PollInterval"] = "01:00:00",
            ["DataPlane:AllowedPrivateNetworks:0"] = "127.0.0.1/32",
            ["DataPlane:AccessLog:Path"] = accessLog,
            ["DataPlane:Metering:Enabled"] = metering ? "true" : "false",
            ["Bus:Transport"] = "InMemory",
            ["Logging:LogLevel:Default"] = "Error", // the probe prints only its table (no request logs at Warning either)
        });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.AddGatewayBus(builder.AddDataPlane());
        var app = builder.Build();
        app.UseDataPlane();
        return app;
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
