using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Hosting;

namespace LeakWatch.Service.Tests.Keys;

public sealed class KeyVerbTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task KeyInit_NoKeyFile_WritesOwnerOnlyKeyAndPrintsOnlyItsId()
    {
        var result = await _cli.RunAsync("key", "init");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.True(File.Exists(_cli.KeyFile), result.ToString());
        Assert.True(SecretKey.TryParse(await File.ReadAllTextAsync(_cli.KeyFile), out var key));
        Assert.Contains(key!.Id, result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(key.ToBase64(), result.ToString(), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_cli.KeyFile));
        }
        // A key is not a database: key init creates no data folder.
        Assert.False(Directory.Exists(_cli.DataDirectory));
    }

    [Fact]
    public async Task KeyInit_KeyFileExists_RefusesAndLeavesItUntouched()
    {
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("key", "init")).ExitCode);
        var before = await File.ReadAllTextAsync(_cli.KeyFile);

        var result = await _cli.RunAsync("key", "init");

        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        Assert.Contains("already exists", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(_cli.KeyFile));
    }

    [Fact]
    public async Task KeyId_KeyFromEnvironmentVariable_UsesItAndCreatesNoFile()
    {
        var key = SecretKey.Generate();
        _cli.Settings["LEAKWATCH_KEY"] = key.ToBase64();

        var result = await _cli.RunAsync("key", "id");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains(key.Id, result.Out, StringComparison.Ordinal);
        Assert.Contains("LEAKWATCH_KEY", result.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.KeyFile));
        Assert.DoesNotContain(key.ToBase64(), result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyId_EnvironmentVariableNotAKey_StopsNamingTheVariable()
    {
        _cli.Settings["LEAKWATCH_KEY"] = "not-a-key";

        var result = await _cli.RunAsync("key", "id");

        Assert.Equal(ExitCodes.BadConfiguration, result.ExitCode);
        Assert.Contains("LEAKWATCH_KEY", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-key", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyId_NoKeyAnywhere_SaysHowToMakeOne()
    {
        var result = await _cli.RunAsync("key", "id");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("leakwatch key init", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.KeyFile));
    }

    [Fact]
    public async Task KeyFile_OpenToOtherUsers_IsRefused()
    {
        if (OperatingSystem.IsWindows()) return; // Unix permissions only; Windows keys are created with an owner-only ACL.
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("key", "init")).ExitCode);
        File.SetUnixFileMode(_cli.KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = await _cli.RunAsync("key", "id");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("open to other users (mode 644)", result.Error, StringComparison.Ordinal);
        Assert.Contains("chmod 600", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyFile_NotAKey_IsRefusedWithoutEchoingIt()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_cli.KeyFile)!);
        await File.WriteAllTextAsync(_cli.KeyFile, "s3cret-but-not-base64!");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_cli.KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var result = await _cli.RunAsync("key", "id");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("does not hold a LeakWatch key", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", result.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
