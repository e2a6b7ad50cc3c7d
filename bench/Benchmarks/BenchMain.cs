namespace InferenceGateway.Benchmarks;

/// <summary>
/// Entry point: <c>upstream</c>, <c>yarp</c>, <c>alloc</c>, <c>snapshot</c>, or one of the forwarding prototypes that
/// bench/proto.sh compares (<c>fwd-sockets</c>, <c>fwd-lean</c>, <c>pipe</c>, <c>kestrel</c>; see bench/README.md).
/// </summary>
public static class BenchMain
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            return Usage();
        }

        var options = ParseOptions(args.AsSpan(1));
        try
        {
            switch (args[0])
            {
                case "upstream":
                    await Upstream.RunAsync(Port(options));
                    return 0;
                case "yarp":
                    await BareYarp.RunAsync(Port(options), Required(options, "upstream"));
                    return 0;
                case "fwd-sockets":
                    await Prototypes.ForwarderVariants.RunAsync(Port(options), Required(options, "upstream"), lean: false);
                    return 0;
                case "fwd-lean":
                    await Prototypes.ForwarderVariants.RunAsync(Port(options), Required(options, "upstream"), lean: true);
                    return 0;
                case "pipe":
                    await Prototypes.PipeProxy.RunAsync(Port(options), Required(options, "upstream"));
                    return 0;
                case "kestrel":
                    await Prototypes.PipeProxy.RunSelfAsync(Port(options));
                    return 0;
                case "alloc":
                    return await AllocationProbe.RunAsync(options.TryGetValue("requests", out var n) && int.TryParse(n, out var count) && count > 0
                        ? count : 5000, options.GetValueOrDefault("types") == "1");
                case "snapshot":
                    return SnapshotWriter.Run(Required(options, "dir"), Required(options, "upstream"), Required(options, "key-file"),
                        options.GetValueOrDefault("snapshot-key"), options.GetValueOrDefault("cluster-dir"),
                        options.TryGetValue("keys", out var k) && int.TryParse(k, out var keys) && keys > 0 ? keys : 1);
                default:
                    return Usage();
            }
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return Usage();
        }
    }

    private static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            options[args[i][2..]] = args[++i];
        }

        return options;
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) && value.Length > 0 ? value : throw new ArgumentException($"--{name} is required");

    private static int Port(Dictionary<string, string> options) =>
        int.TryParse(Required(options, "port"), out var port) && port is > 0 and < 65536 ? port : throw new ArgumentException("--port must be 1-65535");

    private static int Usage()
    {
        Console.Error.WriteLine("""
            usage:
              InferenceGateway.Benchmarks upstream --port N
              InferenceGateway.Benchmarks yarp --port N --upstream http://127.0.0.1:M
              InferenceGateway.Benchmarks fwd-sockets|fwd-lean|pipe|kestrel --port N --upstream http://127.0.0.1:M
              InferenceGateway.Benchmarks alloc [--requests N] [--types 1]
              InferenceGateway.Benchmarks snapshot --dir D --upstream URL --key-file F [--snapshot-key BASE64-32-BYTES] [--keys N]
            """);
        return 2;
    }
}
