using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.Enrollment;
using LeakWatch.Service.Keys;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace LeakWatch.Service.Tests.Storage;

/// <summary>The storage and enrollment services wired by hand on a temporary folder, with a known key.</summary>
internal sealed class StoreFixture : IDisposable
{
    /// <param name="postgres">A PostgreSQL connection string (Postgres/PostgresServer.cs) to run on instead of SQLite.</param>
    public StoreFixture(string? postgres = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "leakwatch-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Root);
        Options = new StorageOptions { DataDirectory = Path.Combine(Root, "data") };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["LEAKWATCH_KEY"] = Key.ToBase64() }).Build();
        Database = new Database(Microsoft.Extensions.Options.Options.Create(Options), Microsoft.Extensions.Options.Options.Create(postgres is null
            ? new DatabaseOptions()
            : new DatabaseOptions { Provider = "postgres", ConnectionString = postgres }));
        Store = new FingerprintStore(Database, TimeProvider.System);
        Keys = new KeyProvider(Microsoft.Extensions.Options.Options.Create(new KeyOptions { KeyFile = Path.Combine(Root, "key", "leakwatch.key") }), configuration, Database, new MetaStore(Database), NullLogger<KeyProvider>.Instance);
        Enroller = new Enroller(Store, Keys, TimeProvider.System, NullLogger<Enroller>.Instance);
    }

    public SecretKey Key { get; } = SecretKey.Generate();

    public string Root { get; }

    public StorageOptions Options { get; }

    public Database Database { get; }

    public FingerprintStore Store { get; }

    public KeyProvider Keys { get; }

    public Enroller Enroller { get; }

    public long DatabaseBytes => Database.Files.Sum(f => new FileInfo(f).Length);

    public void Dispose()
    {
        Keys.Dispose();
        Database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
