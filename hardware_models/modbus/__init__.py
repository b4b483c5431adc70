"""Modbus TCP: the barrier driver (the core's only write path to a PLC) and a PLC peer."""

from hardware_models.modbus.barrier import ModbusBarrier
from hardware_models.modbus.plc import BarrierPlc
from hardware_models.modbus.registers import CMD_OPEN, fault_code, open_command, parse_command

__all__ = ["CMD_OPEN", "BarrierPlc", "ModbusBarrier", "fault_code", "open_command", "parse_command"]
