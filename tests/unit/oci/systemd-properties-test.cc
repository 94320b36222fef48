// Tests of the conversions from linux.resources to systemd unit properties
// (oci/systemd-properties.h). Pure functions: no bus, no privileges.
#include "oci/systemd-properties.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace runw::oci::systemd {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(SystemdPropertiesTest, SharesToWeight_EndsDefaultAndClamp) {
  EXPECT_EQ(CpuSharesToWeight(2), 1u);
  EXPECT_EQ(CpuSharesToWeight(262144), 10000u);
  // The kernel's default 1024 shares is weight 39 (not 100: the mapping is
  // linear over the whole range, as the OCI runtimes agree).
  EXPECT_EQ(CpuSharesToWeight(1024), 39u);
  EXPECT_EQ(CpuSharesToWeight(512), 20u);
  EXPECT_EQ(CpuSharesToWeight(0), 1u);
  EXPECT_EQ(CpuSharesToWeight(1), 1u);
  EXPECT_EQ(CpuSharesToWeight(1000000), 10000u);
}

TEST(SystemdPropertiesTest, QuotaPerSec_RoundsUpToTenMilliseconds) {
  EXPECT_EQ(CpuQuotaPerSecUSec(50000, 100000), 500000u);  // half a CPU
  EXPECT_EQ(CpuQuotaPerSecUSec(200000, 100000), 2000000u);
  // 1234/100000 s per s is 12340 µs/s: up to 20000, never below the request.
  EXPECT_EQ(CpuQuotaPerSecUSec(1234, 100000), 20000u);
  EXPECT_EQ(CpuQuotaPerSecUSec(10000, 100000), 100000u);  // already a step
  EXPECT_EQ(CpuQuotaPerSecUSec(1000, 1000000), 10000u);   // 1 ms/s: one step
  EXPECT_EQ(CpuQuotaPerSecUSec(30000, 250000), 120000u);
}

TEST(SystemdPropertiesTest, QuotaPerSec_DefaultPeriodUnlimitedAndHuge) {
  EXPECT_EQ(CpuQuotaPerSecUSec(50000, 0), 500000u);  // period 0: 100 ms
  EXPECT_EQ(CpuQuotaPerSecUSec(-1, 100000), kInfinity);
  EXPECT_EQ(CpuQuotaPerSecUSec(0, 100000), kInfinity);
  EXPECT_EQ(CpuQuotaPerSecUSec(INT64_MAX, 1000), kInfinity);
  // Large but representable: no overflow in quota * 1e6.
  // 2^50 µs/s, rounded up to the next 10000.
  EXPECT_EQ(CpuQuotaPerSecUSec(int64_t{1} << 50, 1000000), uint64_t{1125899906850000});
}

TEST(SystemdPropertiesTest, CpuList_Masks) {
  EXPECT_EQ(CpuListToMask("0-1").value(), (Bytes{0x03}));
  EXPECT_EQ(CpuListToMask("0").value(), (Bytes{0x01}));
  EXPECT_EQ(CpuListToMask("0-3,5").value(), (Bytes{0x2f}));
  EXPECT_EQ(CpuListToMask("8").value(), (Bytes{0x00, 0x01}));
  EXPECT_EQ(CpuListToMask("1,9-10,23").value(), (Bytes{0x02, 0x06, 0x80}));
  EXPECT_EQ(CpuListToMask("3,1").value(), (Bytes{0x0a}));    // any order
  EXPECT_EQ(CpuListToMask("1-2,2").value(), (Bytes{0x06}));  // overlaps
  EXPECT_EQ(CpuListToMask(" 0-1\n").value(), (Bytes{0x03}));
  EXPECT_EQ(CpuListToMask("0 , 2").value(), (Bytes{0x05}));
  EXPECT_EQ(CpuListToMask("").value(), Bytes{});
  EXPECT_EQ(CpuListToMask("8191").value().size(), 1024u);
  EXPECT_EQ(CpuListToMask("8191").value().back(), 0x80);
}

TEST(SystemdPropertiesTest, CpuList_MalformedFailsNamingTheList) {
  for (const char* bad : {",", "1,", ",1", "1,,2", "a", "1-", "-1", "3-1", "1-2-3", "0x1", "1.5",
                          "+1", "1 2", "0-7:2/4", "8192", "0-99999999999999999999"}) {
    auto mask = CpuListToMask(bad);
    ASSERT_FALSE(mask.has_value()) << "\"" << bad << "\"";
    EXPECT_NE(mask.error().find("invalid cpu list \"" + std::string(bad) + "\""), std::string::npos)
        << mask.error();
  }
  EXPECT_NE(CpuListToMask("3-1").error().find("reversed"), std::string::npos);
}

TEST(SystemdPropertiesTest, Properties_NothingSetSendsNothing) {
  Resources r;
  EXPECT_TRUE(ResourceProperties(r, {}).value().empty());
  r.memory = MemoryResources{};
  r.cpu = CpuResources{};
  r.memory->limit = 0;  // a Go caller's "unset"
  r.cpu->shares = 0;
  r.cpu->quota = 0;
  r.cpu->period = 0;
  EXPECT_TRUE(ResourceProperties(r, {}).value().empty());
}

Resources Full() {
  Resources r;
  r.memory = MemoryResources{};
  r.memory->limit = 100000000;
  r.memory->reservation = 50000000;
  r.memory->swap = 200000000;  // cgroupfs-only
  r.cpu = CpuResources{};
  r.cpu->shares = 512;
  r.cpu->quota = 50000;
  r.cpu->period = 100000;
  r.cpu->cpus = "0-1";
  r.cpu->mems = "0";
  r.pids = PidsResources{};
  r.pids->limit = 42;
  return r;
}

TEST(SystemdPropertiesTest, Properties_CgroupV1Host) {
  std::vector<UnitProperty> want = {
      {"MemoryLimit", uint64_t{100000000}},
      {"CPUShares", uint64_t{512}},
      {"CPUQuotaPerSecUSec", uint64_t{500000}},
      {"CPUQuotaPeriodUSec", uint64_t{100000}},
      {"AllowedCPUs", Bytes{0x03}},
      {"AllowedMemoryNodes", Bytes{0x01}},
      {"TasksMax", uint64_t{42}},
  };
  EXPECT_EQ(ResourceProperties(Full(), {.memory_v2 = false, .cpu_v2 = false}).value(), want);
}

TEST(SystemdPropertiesTest, Properties_CgroupV2Host) {
  std::vector<UnitProperty> want = {
      {"MemoryMax", uint64_t{100000000}},
      {"MemoryLow", uint64_t{50000000}},
      {"CPUWeight", uint64_t{20}},
      {"CPUQuotaPerSecUSec", uint64_t{500000}},
      {"CPUQuotaPeriodUSec", uint64_t{100000}},
      {"AllowedCPUs", Bytes{0x03}},
      {"AllowedMemoryNodes", Bytes{0x01}},
      {"TasksMax", uint64_t{42}},
  };
  EXPECT_EQ(ResourceProperties(Full(), {.memory_v2 = true, .cpu_v2 = true}).value(), want);
}

TEST(SystemdPropertiesTest, Properties_UnlimitedIsInfinity) {
  Resources r;
  r.memory = MemoryResources{};
  r.memory->limit = -1;
  r.cpu = CpuResources{};
  r.cpu->quota = -1;
  r.pids = PidsResources{};
  for (int64_t pids : {int64_t{0}, int64_t{-1}}) {
    r.pids->limit = pids;
    std::vector<UnitProperty> want = {
        {"MemoryLimit", kInfinity}, {"CPUQuotaPerSecUSec", kInfinity}, {"TasksMax", kInfinity}};
    EXPECT_EQ(ResourceProperties(r, {}).value(), want) << "pids " << pids;
  }
}

TEST(SystemdPropertiesTest, Properties_SharesClampedOnV1) {
  Resources r;
  r.cpu = CpuResources{};
  r.cpu->shares = 1;
  EXPECT_EQ(ResourceProperties(r, {}).value(),
            (std::vector<UnitProperty>{{"CPUShares", uint64_t{2}}}));
}

TEST(SystemdPropertiesTest, Properties_MalformedCpusetFailsNamingTheField) {
  Resources r;
  r.cpu = CpuResources{};
  r.cpu->cpus = "0-";
  auto props = ResourceProperties(r, {});
  ASSERT_FALSE(props.has_value());
  EXPECT_EQ(props.error().rfind("linux.resources.cpu.cpus: invalid cpu list \"0-\"", 0), 0u)
      << props.error();
  r.cpu->cpus = "";
  r.cpu->mems = "x";
  props = ResourceProperties(r, {});
  ASSERT_FALSE(props.has_value());
  EXPECT_EQ(props.error().rfind("linux.resources.cpu.mems: ", 0), 0u) << props.error();
}

TEST(SystemdPropertiesTest, Properties_PeriodAloneIsSentAlone) {
  Resources r;
  r.cpu = CpuResources{};
  r.cpu->period = 250000;
  EXPECT_EQ(ResourceProperties(r, {}).value(),
            (std::vector<UnitProperty>{{"CPUQuotaPeriodUSec", uint64_t{250000}}}));
}

TEST(SystemdPropertiesTest, Version_Parses) {
  EXPECT_EQ(ParseSystemdVersion("252.30-1~deb12u2"), 252u);
  EXPECT_EQ(ParseSystemdVersion("v245.4-1ubuntu3"), 245u);
  EXPECT_EQ(ParseSystemdVersion("241"), 241u);
  EXPECT_EQ(ParseSystemdVersion(""), std::nullopt);
  EXPECT_EQ(ParseSystemdVersion("v"), std::nullopt);
  EXPECT_EQ(ParseSystemdVersion("systemd 252"), std::nullopt);
  EXPECT_EQ(ParseSystemdVersion("99999999999999"), std::nullopt);  // out of range
}

TEST(SystemdPropertiesTest, Version_LeavesOutWhatItDoesNotKnow) {
  auto all = ResourceProperties(Full(), {}).value();
  auto names = [](const std::vector<UnitProperty>& props) {
    std::vector<std::string> out;
    for (const UnitProperty& p : props)
      out.push_back(p.name);
    return out;
  };
  EXPECT_EQ(ForSystemdVersion(all, 252), all);
  EXPECT_EQ(ForSystemdVersion(all, 244), all);
  EXPECT_EQ(names(ForSystemdVersion(all, 243)),
            (std::vector<std::string>{"MemoryLimit", "CPUShares", "CPUQuotaPerSecUSec",
                                      "CPUQuotaPeriodUSec", "TasksMax"}));
  EXPECT_EQ(
      names(ForSystemdVersion(all, 241)),
      (std::vector<std::string>{"MemoryLimit", "CPUShares", "CPUQuotaPerSecUSec", "TasksMax"}));
}

}  // namespace
}  // namespace runw::oci::systemd
