import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  blockIo,
  cpuPercent,
  memoryPercent,
  memoryUsage,
  networkIo,
  type StatsSample,
} from '../../src/stats.ts';

/** Shaped like Docker 20.10 on a cgroup v1 host (2 cpus, no memory limit): percpu_usage present. */
const cgroupV1: StatsSample = {
  read: '2024-05-02T10:15:31.712316446Z',
  preread: '2024-05-02T10:15:30.709587165Z',
  pids_stats: { current: 3 },
  blkio_stats: {
    io_service_bytes_recursive: [
      { major: 8, minor: 0, op: 'Read', value: 4_194_304 },
      { major: 8, minor: 0, op: 'Write', value: 1_048_576 },
      { major: 8, minor: 0, op: 'Sync', value: 5_242_880 },
      { major: 8, minor: 0, op: 'Async', value: 0 },
      { major: 8, minor: 0, op: 'Discard', value: 0 },
      { major: 8, minor: 0, op: 'Total', value: 5_242_880 },
      { major: 8, minor: 16, op: 'Read', value: 8192 },
      { major: 8, minor: 16, op: 'Write', value: 0 },
    ],
    io_serviced_recursive: [],
    io_queue_recursive: [],
    io_service_time_recursive: [],
    io_wait_time_recursive: [],
    io_merged_recursive: [],
    io_time_recursive: [],
    sectors_recursive: [],
  },
  num_procs: 0,
  storage_stats: {},
  cpu_stats: {
    cpu_usage: {
      total_usage: 2_300_000_000,
      percpu_usage: [1_200_000_000, 1_100_000_000],
      usage_in_kernelmode: 500_000_000,
      usage_in_usermode: 1_700_000_000,
    },
    system_cpu_usage: 9_002_000_000_000,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  },
  precpu_stats: {
    cpu_usage: {
      total_usage: 2_000_000_000,
      percpu_usage: [1_050_000_000, 950_000_000],
      usage_in_kernelmode: 450_000_000,
      usage_in_usermode: 1_500_000_000,
    },
    system_cpu_usage: 9_000_000_000_000,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  },
  memory_stats: {
    usage: 10_485_760,
    max_usage: 12_582_912,
    stats: {
      active_anon: 2_097_152,
      active_file: 1_048_576,
      cache: 6_291_456,
      inactive_anon: 0,
      inactive_file: 5_000_000,
      rss: 2_097_152,
      total_active_anon: 2_097_152,
      total_active_file: 1_048_576,
      total_cache: 6_291_456,
      total_inactive_anon: 0,
      total_inactive_file: 5_242_880,
      total_rss: 2_097_152,
    },
    limit: 8_331_317_248,
  },
  name: '/web',
  id: 'b0d3c1f6c8f0a2e9a1c0d5e3f4b6a7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4',
  networks: {
    eth0: {
      rx_bytes: 1_296,
      rx_packets: 16,
      rx_errors: 0,
      rx_dropped: 0,
      tx_bytes: 0,
      tx_packets: 0,
      tx_errors: 0,
      tx_dropped: 0,
    },
  },
};

/** Shaped like a cgroup v2 host (Docker 24+): online_cpus, no percpu_usage, flat memory stats, 512 MiB limit. */
const cgroupV2: StatsSample = {
  read: '2024-05-02T10:20:11.100000000Z',
  preread: '2024-05-02T10:20:10.098000000Z',
  pids_stats: { current: 5, limit: 18_446_744_073_709_552_000 },
  blkio_stats: {
    io_service_bytes_recursive: [
      { major: 259, minor: 0, op: 'read', value: 3_000_000 },
      { major: 259, minor: 0, op: 'write', value: 250_000 },
      { major: 259, minor: 1, op: 'read', value: 1_000 },
      { major: 259, minor: 1, op: 'write', value: 50 },
    ],
    io_serviced_recursive: null,
    io_queue_recursive: null,
    io_service_time_recursive: null,
    io_wait_time_recursive: null,
    io_merged_recursive: null,
    io_time_recursive: null,
    sectors_recursive: null,
  },
  num_procs: 0,
  storage_stats: {},
  cpu_stats: {
    cpu_usage: { total_usage: 905_000_000, usage_in_kernelmode: 300_000_000, usage_in_usermode: 605_000_000 },
    system_cpu_usage: 40_008_000_000_000,
    online_cpus: 4,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  },
  precpu_stats: {
    cpu_usage: { total_usage: 805_000_000, usage_in_kernelmode: 280_000_000, usage_in_usermode: 525_000_000 },
    system_cpu_usage: 40_004_000_000_000,
    online_cpus: 4,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  },
  memory_stats: {
    usage: 52_428_800,
    stats: {
      anon: 20_971_520,
      file: 31_457_280,
      active_file: 10_485_760,
      inactive_file: 20_971_520,
      kernel_stack: 81_920,
      slab: 524_288,
    },
    limit: 536_870_912,
  },
  name: '/api',
  id: 'c1e4d2a7b9f1a3e0b2c1d6e4f5a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5',
  networks: {
    eth0: {
      rx_bytes: 10_000,
      rx_packets: 100,
      rx_errors: 0,
      rx_dropped: 0,
      tx_bytes: 2_000,
      tx_packets: 20,
      tx_errors: 0,
      tx_dropped: 0,
    },
    eth1: {
      rx_bytes: 500,
      rx_packets: 5,
      rx_errors: 0,
      rx_dropped: 0,
      tx_bytes: 300,
      tx_packets: 3,
      tx_errors: 0,
      tx_dropped: 0,
    },
  },
};

describe('cpuPercent', () => {
  test('cgroup v1: online_cpus absent, falls back to the percpu_usage length', () => {
    // cpuDelta 300e6 ns / systemDelta 2e9 ns (1 s on 2 cpus) × 2 cpus × 100 = 30 %
    assert.equal(cpuPercent(cgroupV1), (300_000_000 / 2_000_000_000) * 2 * 100);
    assert.ok(Math.abs(cpuPercent(cgroupV1) - 30) < 1e-9);
  });

  test('cgroup v2: uses online_cpus', () => {
    // 100e6 / 4e9 × 4 × 100 = 10 %
    assert.ok(Math.abs(cpuPercent(cgroupV2) - 10) < 1e-9);
  });

  test('0 when a delta is not positive (first sample, idle container, stopped container)', () => {
    assert.equal(cpuPercent({ ...cgroupV2, precpu_stats: cgroupV2.cpu_stats }), 0);
    assert.equal(cpuPercent({}), 0);
    const stopped: StatsSample = {
      read: '0001-01-01T00:00:00Z',
      cpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} },
      precpu_stats: {},
    };
    assert.equal(cpuPercent(stopped), 0);
  });

  test('an empty precpu_stats (one-shot) follows the CLI formula over the whole lifetime', () => {
    const oneShot: StatsSample = {
      ...cgroupV2,
      precpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} },
    };
    assert.ok(Math.abs(cpuPercent(oneShot) - (905_000_000 / 40_008_000_000_000) * 4 * 100) < 1e-12);
  });

  test('windows: used 100 ns intervals over possible ones across num_procs', () => {
    const windows: StatsSample = {
      os_type: 'windows',
      read: '2024-05-02T10:00:01.000000100Z',
      preread: '2024-05-02T10:00:00.000000100Z',
      num_procs: 2,
      cpu_stats: { cpu_usage: { total_usage: 15_000_000 } },
      precpu_stats: { cpu_usage: { total_usage: 10_000_000 } },
    };
    // 1 s = 1e7 intervals × 2 procs; 5e6 used → 25 %
    assert.equal(cpuPercent(windows), 25);
  });
});

describe('memoryUsage / memoryPercent', () => {
  test('cgroup v1: usage minus total_inactive_file', () => {
    assert.equal(memoryUsage(cgroupV1), 10_485_760 - 5_242_880);
    assert.ok(Math.abs(memoryPercent(cgroupV1) - (5_242_880 / 8_331_317_248) * 100) < 1e-12);
  });

  test('cgroup v2: usage minus inactive_file', () => {
    assert.equal(memoryUsage(cgroupV2), 52_428_800 - 20_971_520);
    assert.equal(memoryPercent(cgroupV2), ((52_428_800 - 20_971_520) / 536_870_912) * 100);
  });

  test('v1 total_inactive_file not below usage falls through to inactive_file, then to usage', () => {
    const sample: StatsSample = {
      memory_stats: { usage: 1000, stats: { total_inactive_file: 2000, inactive_file: 100 }, limit: 4000 },
    };
    assert.equal(memoryUsage(sample), 900);
    const none: StatsSample = {
      memory_stats: { usage: 1000, stats: { total_inactive_file: 2000, inactive_file: 3000 }, limit: 4000 },
    };
    assert.equal(memoryUsage(none), 1000);
    assert.equal(memoryPercent(none), 25);
  });

  test('a stopped container (no limit) gives 0 %; windows uses the private working set', () => {
    assert.equal(memoryPercent({ memory_stats: {} }), 0);
    assert.equal(memoryUsage({ memory_stats: {} }), 0);
    const windows: StatsSample = {
      os_type: 'windows',
      memory_stats: { privateworkingset: 123_456, commitbytes: 999_999 },
    };
    assert.equal(memoryUsage(windows), 123_456);
    assert.equal(memoryPercent(windows), 0);
  });
});

describe('blockIo', () => {
  test('cgroup v1: sums Read/Write entries of every device, ignores Sync/Async/Total/Discard', () => {
    assert.deepEqual(blockIo(cgroupV1), { read: 4_194_304 + 8192, write: 1_048_576 });
  });

  test('cgroup v2: lower-case read/write', () => {
    assert.deepEqual(blockIo(cgroupV2), { read: 3_001_000, write: 250_050 });
  });

  test('missing blkio stats give zeros; windows reads storage_stats', () => {
    assert.deepEqual(blockIo({ blkio_stats: {} }), { read: 0, write: 0 });
    assert.deepEqual(blockIo({ blkio_stats: { io_service_bytes_recursive: [{ op: '', value: 5 }] } }), {
      read: 0,
      write: 0,
    });
    const windows: StatsSample = {
      os_type: 'windows',
      storage_stats: { read_size_bytes: 10, write_size_bytes: 20 },
    };
    assert.deepEqual(blockIo(windows), { read: 10, write: 20 });
  });
});

describe('networkIo', () => {
  test('sums rx/tx over every interface', () => {
    assert.deepEqual(networkIo(cgroupV1), { rx: 1_296, tx: 0 });
    assert.deepEqual(networkIo(cgroupV2), { rx: 10_500, tx: 2_300 });
  });

  test('no networks (network none / a stopped container)', () => {
    assert.deepEqual(networkIo({}), { rx: 0, tx: 0 });
    assert.deepEqual(networkIo({ networks: null }), { rx: 0, tx: 0 });
  });
});
