# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# typegenConfig.cmake - find_package(typegen): the typegen program, the
# libtypegen library (typegen::typegen) and BPF objects built on the
# kernel's types:
#
#	find_package(typegen REQUIRED)
#	typegen_add_bpf_object(prog prog.bpf.c)
#
# typegen_add_bpf_object(TARGET SOURCE [OUT_DIR DIR]) adds the target
# TARGET, which builds ${CMAKE_CURRENT_BINARY_DIR}/TARGET.bpf.o (its path
# is the target's TYPEGEN_OBJECT property). The method (vmlinux.h or the
# kernel headers) is chosen at configure time by `typegen cflags`, with
# the rules in typegen(1); under the vmlinux method the target's own
# vmlinux.h goes to DIR (default ${CMAKE_CURRENT_BINARY_DIR}/TARGET.typegen).
# Re-run cmake when the kernel changes.
#
# typegen_cflags(VAR [OUT_DIR DIR]) sets VAR to the flags, as a list.
#
# Cache variables: TYPEGEN_EXECUTABLE, TYPEGEN_CLANG, TYPEGEN_LLC,
# TYPEGEN_OPT, TYPEGEN_BPF_CFLAGS (default -O2;-g).

# This file is in LIBDIR/cmake/typegen/; the prefix is above LIBDIR.
get_filename_component(_typegen_libdir "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
get_filename_component(_typegen_prefix "${_typegen_libdir}/.." ABSOLUTE)
if(NOT EXISTS "${_typegen_prefix}/bin/typegen")
	# LIBDIR = PREFIX/lib/<multiarch>
	get_filename_component(_typegen_prefix "${_typegen_prefix}/.." ABSOLUTE)
endif()

find_program(TYPEGEN_EXECUTABLE typegen HINTS "${_typegen_prefix}/bin")
find_program(TYPEGEN_CLANG NAMES clang clang-19 clang-18 clang-17 clang-16)
if(TYPEGEN_CLANG)
	get_filename_component(_typegen_clang_name "${TYPEGEN_CLANG}" NAME)
	string(REPLACE "clang" "llc" _typegen_llc "${_typegen_clang_name}")
	string(REPLACE "clang" "opt" _typegen_opt "${_typegen_clang_name}")
	find_program(TYPEGEN_LLC NAMES ${_typegen_llc} llc)
	find_program(TYPEGEN_OPT NAMES ${_typegen_opt} opt)
endif()
set(TYPEGEN_BPF_CFLAGS "-O2;-g" CACHE STRING "flags for BPF programs")

set(typegen_INCLUDE_DIRS "${_typegen_prefix}/include")
find_library(typegen_LIBRARY typegen HINTS "${_typegen_libdir}" NO_DEFAULT_PATH)
if(typegen_LIBRARY AND NOT TARGET typegen::typegen)
	add_library(typegen::typegen UNKNOWN IMPORTED)
	set_target_properties(typegen::typegen PROPERTIES
		IMPORTED_LOCATION "${typegen_LIBRARY}"
		INTERFACE_INCLUDE_DIRECTORIES "${typegen_INCLUDE_DIRS}")
endif()

foreach(_typegen_var TYPEGEN_EXECUTABLE TYPEGEN_CLANG TYPEGEN_LLC TYPEGEN_OPT)
	if(NOT ${_typegen_var})
		set(typegen_FOUND FALSE)
		set(typegen_NOT_FOUND_MESSAGE
			"${_typegen_var} not found (set it to the program's path)")
		return()
	endif()
endforeach()

function(typegen_cflags var)
	cmake_parse_arguments(TG "" "OUT_DIR" "" ${ARGN})
	if(NOT TG_OUT_DIR)
		set(TG_OUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/typegen")
	endif()
	execute_process(
		COMMAND "${TYPEGEN_EXECUTABLE}" cflags --out-dir "${TG_OUT_DIR}"
		OUTPUT_VARIABLE _out ERROR_VARIABLE _err RESULT_VARIABLE _rc
		OUTPUT_STRIP_TRAILING_WHITESPACE)
	if(NOT _rc EQUAL 0)
		message(FATAL_ERROR "typegen cflags failed: ${_err}"
			"'typegen probe' shows what was checked")
	endif()
	separate_arguments(_flags UNIX_COMMAND "${_out}")
	set(${var} ${_flags} PARENT_SCOPE)
endfunction()

function(typegen_add_bpf_object target source)
	cmake_parse_arguments(TG "" "OUT_DIR" "" ${ARGN})
	if(NOT TG_OUT_DIR)
		set(TG_OUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/${target}.typegen")
	endif()
	typegen_cflags(_flags OUT_DIR "${TG_OUT_DIR}")
	get_filename_component(_src "${source}" ABSOLUTE)
	set(_obj "${CMAKE_CURRENT_BINARY_DIR}/${target}.bpf.o")
	if("-DTYPEGEN_KERNEL_HEADERS" IN_LIST _flags)
		# Kernel headers hold the architecture's inline assembly,
		# which clang refuses for -target bpf: compile for the
		# architecture to LLVM IR, then lower it to BPF.
		add_custom_command(OUTPUT "${_obj}"
			COMMAND "${TYPEGEN_CLANG}" ${_flags} ${TYPEGEN_BPF_CFLAGS}
				-emit-llvm -Xclang -disable-llvm-passes
				-c "${_src}" -o "${_obj}.ir.bc"
			COMMAND "${TYPEGEN_OPT}" -O2 -mtriple=bpf-pc-linux
				"${_obj}.ir.bc" -o "${_obj}.opt.bc"
			COMMAND "${TYPEGEN_LLC}" -march=bpf -filetype=obj
				"${_obj}.opt.bc" -o "${_obj}"
			DEPENDS "${_src}"
			COMMENT "Building BPF object ${target}.bpf.o (kernel headers)"
			VERBATIM)
	else()
		add_custom_command(OUTPUT "${_obj}"
			COMMAND "${TYPEGEN_CLANG}" -target bpf ${_flags}
				${TYPEGEN_BPF_CFLAGS} -c "${_src}" -o "${_obj}"
			DEPENDS "${_src}" "${TG_OUT_DIR}/vmlinux.h"
			COMMENT "Building BPF object ${target}.bpf.o (vmlinux.h)"
			VERBATIM)
	endif()
	add_custom_target(${target} ALL DEPENDS "${_obj}")
	set_target_properties(${target} PROPERTIES TYPEGEN_OBJECT "${_obj}")
endfunction()
