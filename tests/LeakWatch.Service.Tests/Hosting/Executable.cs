using System.Diagnostics;

namespace LeakWatch.Service.Tests.Hosting;

/// <summary>
/// The built `leakwatch` executable run as a person runs it, in <see cref="CliHarness.Root"/>, with the harness's data
/// folder and key file as environment settings (never the real ones) and no LEAKWATCH_KEY.
/// </summary>
internal static class Executable
{
    public static async Task<CliResult> RunAsync(CliHarness folders, string? input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folders.Root,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "leakwatch.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["LeakWatch__DataDirectory"] = folders.DataDirectory;
        start.Environment["LeakWatch__KeyFile"] = folders.KeyFile;
        start.Environment.Remove("LEAKWATCH_KEY");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error, []);
    }
}
