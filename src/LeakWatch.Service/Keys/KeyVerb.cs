using System.CommandLine;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Keys;

/// <summary><c>leakwatch key init</c> and <c>leakwatch key id</c>. The key itself is never printed.</summary>
internal static class KeyVerb
{
    public static Command Create(VerbHost verbHost)
    {
        var init = new Command("init", "Write a new 256-bit secret key to LeakWatch:KeyFile (owner-only permissions). Never replaces an existing key.");
        verbHost.SetAction(init, InitAsync);
        var id = new Command("id", "Print the identifier of the configured key (a hash, not the key) and where it comes from.");
        verbHost.SetAction(id, IdAsync);
        var key = new Command("key", "Manage the secret key that fingerprints are made with.");
        key.Subcommands.Add(init);
        key.Subcommands.Add(id);
        return key;
    }

    private static async Task<int> InitAsync(ParseResult parse, IServiceProvider services, VerbConsole console, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<KeyOptions>>().Value;
        var path = options.ResolveKeyFile();
        var key = SecretKey.Generate();
        KeyFile.Create(path, key);
        await console.Out.WriteLineAsync($"Wrote a new key {key.Id} to {path} (readable by this account only).");
        await console.Out.WriteLineAsync("Keep a copy somewhere safe and apart from the data folder: without it, the fingerprints cannot be used.");

        var provider = services.GetRequiredService<KeyProvider>();
        if (provider.Source.StartsWith("environment", StringComparison.Ordinal))
        {
            await console.Error.WriteLineAsync($"Note: {KeyProvider.EnvironmentVariable} is set and takes precedence over this file.");
        }
        var database = services.GetRequiredService<Database>();
        if (File.Exists(database.Path))
        {
            var recorded = await services.GetRequiredService<MetaStore>().GetAsync("key_id", cancellationToken);
            if (recorded is not null && recorded != key.Id)
            {
                await console.Error.WriteLineAsync($"Warning: the database {database.Path} was created with key {recorded}; it will refuse this new key.");
            }
        }
        return ExitCodes.Success;
    }

    private static async Task<int> IdAsync(ParseResult parse, IServiceProvider services, VerbConsole console, CancellationToken cancellationToken)
    {
        var provider = services.GetRequiredService<KeyProvider>();
        var keys = await provider.GetKeysAsync(cancellationToken);
        await console.Out.WriteLineAsync($"{keys.KeyId} ({provider.Source})");
        return ExitCodes.Success;
    }
}
