using System.Security.Cryptography;
using System.Text.Json;

namespace InferenceGateway.Standalone;

/// <summary>Secrets a standalone installation generates once and keeps in its data folder.</summary>
internal sealed record StandaloneSecrets(string AdminToken, string NodeToken, string SnapshotKey, string MasterKey, string? AdminPassword = null);

/// <summary>
/// The data folder: created on first start, readable only by the user who runs the process. It holds the
/// SQLite database, the generated secrets, the admin token file, the node's snapshot and standalone.json.
/// </summary>
internal sealed class StandaloneData
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public StandaloneData(string directory)
    {
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string Directory { get; }

    public string DatabaseFile => Path.Combine(Directory, "igw.db");

    public string AdminTokenFile => Path.Combine(Directory, "admin-token");

    public string FactsFile => Path.Combine(Directory, "standalone.json");

    public string NodeStateDirectory => Path.Combine(Directory, "dataplane");

    public string AccessLogFile => Path.Combine(Directory, "access.log");

    /// <summary>The installation's secrets, generated on first start.</summary>
    public StandaloneSecrets LoadOrCreateSecrets()
    {
        var file = Path.Combine(Directory, "secrets.json");
        if (File.Exists(file))
        {
            var stored = JsonSerializer.Deserialize<StandaloneSecrets>(File.ReadAllText(file), Json)
                ?? throw new InvalidDataException($"{file} is empty; delete the data folder to start afresh.");
            if (stored.AdminPassword is null)
            {
                // A data folder from before users existed: give it the first platform admin's password now.
                stored = stored with { AdminPassword = Token() };
                WritePrivate(file, JsonSerializer.Serialize(stored, Json));
            }

            return stored;
        }

        var secrets = new StandaloneSecrets(
            Token(), Token(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Token());
        WritePrivate(file, JsonSerializer.Serialize(secrets, Json));
        WritePrivate(AdminTokenFile, secrets.AdminToken + "\n");
        return secrets;
    }

    public StandaloneFacts? ReadFacts() =>
        File.Exists(FactsFile) ? JsonSerializer.Deserialize<StandaloneFacts>(File.ReadAllText(FactsFile), Json) : null;

    public void WriteFacts(StandaloneFacts facts) => WritePrivate(FactsFile, JsonSerializer.Serialize(facts, Json));

    /// <summary>Writes a file only the current user can read, replacing it atomically.</summary>
    public static void WritePrivate(string path, string content)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.Move(temp, path, overwrite: true);
    }

    public static string NewSecret() => Token();

    private static string Token() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>standalone.json: what scripts need to use this installation.</summary>
internal sealed record StandaloneFacts(
    string ControlPlaneUrl,
    string GatewayUrl,
    string SampleModelUrl,
    string ApiReferenceUrl,
    string PortalUrl,
    string AdminTokenFile,
    string Tenant,
    string TenantId,
    string Model,
    string ApiKey,
    string ApiKeyId,
    string ChatCompletionsUrl,
    string OpenAIBaseUrl,
    string? ImageClassifyUrl = null,
    StandaloneAccounts? Accounts = null);

/// <summary>The people and the machine client of the demo; their secrets are generated, printed once and kept here.</summary>
internal sealed record StandaloneAccounts(
    string PlatformAdminEmail,
    string PlatformAdminPassword,
    string TenantAdminEmail,
    string TenantAdminPassword,
    string OAuthClientId,
    string OAuthClientSecret,
    string TokenUrl);
