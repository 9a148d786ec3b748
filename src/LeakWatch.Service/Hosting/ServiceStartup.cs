using LeakWatch.Service.Keys;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Hosting;

/// <summary>
/// What <c>run</c> does before the features start: make the data folder and database, make or check the key, and
/// say plainly what is missing for LeakWatch to be of use.
/// </summary>
internal sealed class ServiceStartup
{
    private readonly StorageOptions _options;
    private readonly IConfiguration _configuration;
    private readonly Database _database;
    private readonly KeyProvider _keys;
    private readonly FingerprintStore _store;
    private readonly ILogger<ServiceStartup> _logger;
    private readonly Detection.ContentHashing? _hashing;

    public ServiceStartup(IOptions<StorageOptions> options, IConfiguration configuration, Database database, KeyProvider keys,
        FingerprintStore store, ILogger<ServiceStartup> logger, Detection.ContentHashing? hashing = null)
    {
        _hashing = hashing;
        _options = options.Value;
        _configuration = configuration;
        _database = database;
        _keys = keys;
        _store = store;
        _logger = logger;
    }

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var created = !_database.Exists;
        var keys = await _keys.GetOrCreateKeysAsync(cancellationToken);
        var dataDirectory = _options.ResolveDataDirectory();
        var keySource = _keys.Source;
        Log.Starting(_logger, dataDirectory, _database.Path, created ? "created" : "opened", keys.KeyId, keySource);
        // Bare content hashes an older version left are re-keyed now, not at the first crawl: nothing waits on disk.
        if (_hashing is not null) await _hashing.GetForRecordingAsync(cancellationToken);

        var enrollment = await _store.GetActiveEnrollmentAsync(cancellationToken);
        if (enrollment is null) Log.NoPatients(_logger);
        else Log.Enrolled(_logger, enrollment.Patients, enrollment.EnrolledAt, enrollment.FileName);

        var sources = _configuration.GetSection("LeakWatch:Sources").GetChildren().ToList();
        if (sources.Count > 0) Log.Sources(_logger, sources.Count);
        // appsettings.json ships a disabled example: configured is not the same as crawled.
        if (!sources.Any(s => !string.Equals(s["Enabled"], "false", StringComparison.OrdinalIgnoreCase))) Log.NoSources(_logger);
    }
}
