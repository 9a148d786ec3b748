using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Keys;

/// <summary>
/// The one way to the secret key: from LEAKWATCH_KEY or the key file, checked against the key identifier the database
/// recorded on first use, then cached for the life of the process. Features ask for <see cref="GetKeysAsync"/>.
/// </summary>
internal sealed class KeyProvider : IDisposable
{
    public const string EnvironmentVariable = "LEAKWATCH_KEY";
    private const string KeyIdName = "key_id";

    private readonly KeyOptions _options;
    private readonly IConfiguration _configuration;
    private readonly Database _database;
    private readonly MetaStore _meta;
    private readonly ILogger<KeyProvider> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private FingerprintKeys? _keys;

    public KeyProvider(IOptions<KeyOptions> options, IConfiguration configuration, Database database, MetaStore meta, ILogger<KeyProvider> logger)
    {
        _options = options.Value;
        _configuration = configuration;
        _database = database;
        _meta = meta;
        _logger = logger;
    }

    /// <summary>Where the key comes from, for messages: the environment variable or the file path. Never the key.</summary>
    public string Source => IsFromEnvironment ? "environment variable " + EnvironmentVariable : "key file " + _options.ResolveKeyFile();

    private bool IsFromEnvironment => !string.IsNullOrWhiteSpace(_configuration[EnvironmentVariable]);

    /// <summary>The keys, checked against the database. Fails with a message when there is no key or it is not the database's.</summary>
    public Task<FingerprintKeys> GetKeysAsync(CancellationToken cancellationToken) => GetAsync(createIfNone: false, cancellationToken);

    /// <summary>
    /// As <see cref="GetKeysAsync"/>, but when there is no key at all and the database was never used with one, a new
    /// key file is written (owner-only). Used by the verbs that start a database: <c>run</c> and <c>enroll</c>.
    /// </summary>
    public Task<FingerprintKeys> GetOrCreateKeysAsync(CancellationToken cancellationToken) => GetAsync(createIfNone: true, cancellationToken);

    /// <summary>
    /// For every verb: when both a key and a database that recorded one exist, they must agree. Creates nothing,
    /// so verbs that need no key still run on a fresh machine.
    /// </summary>
    public async Task VerifyIfPresentAsync(CancellationToken cancellationToken)
    {
        if (!_database.Exists) return;
        var key = Load();
        if (key is null) return;
        var recorded = await _meta.GetAsync(KeyIdName, cancellationToken);
        if (recorded is not null && recorded != key.Id) throw Mismatch(recorded, key.Id);
    }

    private async Task<FingerprintKeys> GetAsync(bool createIfNone, CancellationToken cancellationToken)
    {
        if (_keys is { } cached) return cached;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_keys is { } again) return again;
            var key = Load() ?? await CreateAsync(createIfNone, cancellationToken);
            // Read first: a verb that only reads must not need to write (a full or read-only disk).
            var recorded = await _meta.GetAsync(KeyIdName, cancellationToken)
                ?? await _meta.SetIfAbsentAsync(KeyIdName, key.Id, cancellationToken);
            if (recorded != key.Id) throw Mismatch(recorded, key.Id);
            Log.KeyLoaded(_logger, key.Id, Source);
            _keys = new FingerprintKeys(key);
            return _keys;
        }
        finally
        {
            _gate.Release();
        }
    }

    private SecretKey? Load()
    {
        var fromEnvironment = _configuration[EnvironmentVariable];
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return SecretKey.TryParse(fromEnvironment, out var key)
                ? key!
                : throw new LeakWatchException($"{EnvironmentVariable} is set but does not hold a LeakWatch key (base64 of {SecretKey.Size} bytes).", ExitCodes.BadConfiguration);
        }
        return KeyFile.Read(_options.ResolveKeyFile());
    }

    private async Task<SecretKey> CreateAsync(bool allowed, CancellationToken cancellationToken)
    {
        var path = _options.ResolveKeyFile();
        if (!allowed)
        {
            throw new LeakWatchException($"No key: {path} does not exist and {EnvironmentVariable} is not set. Create one with `leakwatch key init`, or point LeakWatch:KeyFile at the lab's key file.");
        }
        var recorded = File.Exists(_database.Path) ? await _meta.GetAsync(KeyIdName, cancellationToken) : null;
        if (recorded is not null)
        {
            throw new LeakWatchException($"No key: {path} does not exist and {EnvironmentVariable} is not set, but the database {_database.Path} was created with key {recorded}. Restore that key (LeakWatch:KeyFile or {EnvironmentVariable}); a new key could not read this database.");
        }
        var key = SecretKey.Generate();
        KeyFile.Create(path, key);
        Log.KeyGenerated(_logger, key.Id, path);
        return key;
    }

    private LeakWatchException Mismatch(string recorded, string configured) =>
        new($"The database {_database.Path} cannot be used with this key: this database was created with key {recorded}, the configured key is {configured} ({Source}). Use the key it was created with, or another LeakWatch:DataDirectory.");

    public void Dispose() => _gate.Dispose();
}
