using Dapper;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LeakWatch.Service.Tests.Alerting;

/// <summary>
/// A data folder in the temp directory, a fake clock and a configuration, from which a test builds the service's
/// container (the real <c>AddLeakWatch</c> composition) as many times as it likes: disposing one and building another
/// over the same SQLite file is a restart.
/// </summary>
internal sealed class AlertingFixture : IDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    /// <param name="postgres">A PostgreSQL connection string (Postgres/PostgresServer.cs) to run on instead of SQLite.</param>
    public AlertingFixture(string? postgres = null)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "leakwatch-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(DataDirectory);
        Settings["LeakWatch:DataDirectory"] = DataDirectory;
        if (postgres is not null)
        {
            Settings["LeakWatch:Database:Provider"] = "postgres";
            Settings["LeakWatch:Database:ConnectionString"] = postgres;
        }
        Settings["LeakWatch:Alerting:ConsoleBaseUrl"] = "https://leakwatch.lab.test:5080";
    }

    public string DataDirectory { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 12, 9, 0, 0, TimeSpan.Zero));

    public Dictionary<string, string?> Settings { get; } = [];

    private int _channels;

    /// <summary>Adds a channel to the configuration; returns its index.</summary>
    public int AddChannel(string name, string kind, params (string Key, string Value)[] settings)
    {
        var prefix = $"LeakWatch:Alerting:Channels:{_channels}:";
        Settings[prefix + "Name"] = name;
        Settings[prefix + "Kind"] = kind;
        foreach (var (key, value) in settings) Settings[prefix + key] = value;
        return _channels++;
    }

    public int AddEmailChannel(string name, SmtpTestServer smtp, params (string Key, string Value)[] settings) =>
        AddChannel(name, "email", [("SmtpHost", "127.0.0.1"), ("SmtpPort", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("SmtpSecurity", "none"),
            ("From", "leakwatch@lab.test"), ("To:0", "security@lab.test"), .. settings]);

    public string WriteSecretFile(string name, string content)
    {
        var path = Path.Combine(DataDirectory, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A fresh container over the same data folder: what the service is after a restart.</summary>
    public ServiceProvider StartService()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFakeLogging();
        services.AddLeakWatch();
        services.AddSingleton<TimeProvider>(Time);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _providers.Add(provider);
        return provider;
    }

    public static async Task<System.Data.Common.DbConnection> OpenAsync(IServiceProvider services) =>
        await services.GetRequiredService<Database>().OpenAsync();

    public static async Task<List<T>> QueryAsync<T>(IServiceProvider services, string sql, object? parameters = null)
    {
        await using var connection = await OpenAsync(services);
        return [.. await connection.QueryAsync<T>(sql, parameters)];
    }

    public void Dispose()
    {
        foreach (var provider in _providers) provider.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Scan results made by hand, as the detection engine would return them.</summary>
internal static class Scans
{
    public static Fingerprint Patient(int n) => new(new UInt128(0xA11CE, (ulong)n));

    /// <param name="rule">The rule's name ("nir+name"), as the tests have always said it.</param>
    public static PatientMatch Match(int patient, Confidence confidence = Confidence.High, MatchedFields fields = MatchedFields.Nir | MatchedFields.LastName, string rule = "nir+name") =>
        new(Patient(patient), confidence, MatchedRuleNames.All.Single(r => r.Name() == rule), fields, [new MatchLocation(patient * 100L, patient)]);

    public static DocumentScanResult Result(string document, string contentSha256, params PatientMatch[] matches) =>
        new(document, contentSha256, 1000 + matches.Length * 100, matches.Length, matches);

    /// <summary>Patients numbered from..to, all matched with the given confidence.</summary>
    public static PatientMatch[] Range(int from, int to, Confidence confidence = Confidence.High) =>
        [.. Enumerable.Range(from, to - from + 1).Select(i => Match(i, confidence))];

    public static string Sha(char c) => new(c, 64);
}
