using System.CommandLine;

namespace LeakWatch.Service.CommandLine;

/// <summary>Where a verb writes: results to <see cref="Out"/>, messages and progress to <see cref="Error"/>.</summary>
/// <param name="Interactive">A person watches standard error on a terminal: progress may be drawn there.</param>
internal sealed record VerbConsole(TextWriter Out, TextWriter Error, bool Interactive)
{
    public static VerbConsole From(ParseResult parse)
    {
        var config = parse.InvocationConfiguration;
        var interactive = ReferenceEquals(config.Error, Console.Error) && !Console.IsErrorRedirected;
        return new VerbConsole(config.Output, config.Error, interactive);
    }
}
