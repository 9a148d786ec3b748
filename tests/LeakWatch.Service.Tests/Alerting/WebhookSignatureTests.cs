using System.Text;
using LeakWatch.Service.Alerting;

namespace LeakWatch.Service.Tests.Alerting;

public sealed class WebhookSignatureTests
{
    [Fact]
    public void WebhookSignature_ReadmeVector_MatchesOpensslAndPython()
    {
        // The README's example, computed with `openssl dgst -sha256 -hmac` and Python's hmac module.
        var signature = WebhookSignature.Compute(new Secret("s3cret"), "1741770000", Encoding.UTF8.GetBytes("{\"type\":\"test\"}"));

        Assert.Equal("sha256=abf45a8784953b107f3fd6f676f969bbf7b75cb2d85e3c9c743e22138c18a63e", signature);
    }

    [Fact]
    public void Secret_ToString_HidesTheValue()
    {
        Assert.DoesNotContain("s3cret", new Secret("s3cret").ToString(), StringComparison.Ordinal);
    }
}
